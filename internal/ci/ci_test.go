package ci

import (
	"fmt"
	"strings"
	"testing"
)

func TestOnReadsCIAsABoolean(t *testing.T) {
	for value, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "false": false, "0": false, "": false, "yes": false} {
		t.Run("CI="+value, func(t *testing.T) {
			t.Setenv("CI", value)
			if got := On(); got != want {
				t.Fatalf("On() = %v, want %v", got, want)
			}
		})
	}
}

// recordingTB records how a test was ended instead of ending it.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Fatalf(format string, a ...any) { r.fatal = fmt.Sprintf(format, a...) }
func (r *recordingTB) Skipf(format string, a ...any)  { r.skip = fmt.Sprintf(format, a...) }

func TestAMissingToolFailsInCIAndSkipsElsewhere(t *testing.T) {
	for _, tc := range []struct {
		ci                  string
		wantFatal, wantSkip bool
	}{{"true", true, false}, {"1", true, false}, {"", false, true}, {"false", false, true}} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			rec := &recordingTB{TB: t}
			MissingTool(rec, "no %s", "terraform")
			if (rec.fatal != "") != tc.wantFatal || (rec.skip != "") != tc.wantSkip {
				t.Fatalf("fatal %q, skip %q; want fatal %v, skip %v", rec.fatal, rec.skip, tc.wantFatal, tc.wantSkip)
			}
			if msg := rec.fatal + rec.skip; !strings.HasSuffix(msg, "no terraform") || strings.Contains(msg, "CI=true") {
				t.Errorf("message %q: want the tool named, and no CI=true when CI=%s", msg, tc.ci)
			}
		})
	}
}
