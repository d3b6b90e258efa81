package demo

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// A failed demo shows the daemon's warnings and errors, the last 30, and
// nothing of its info lines.
func TestAFailedDemoShowsTheDaemonsWarningsAndErrors(t *testing.T) {
	var log bytes.Buffer
	log.WriteString(`{"level":"INFO","msg":"run finished"}` + "\n")
	for i := range 35 {
		fmt.Fprintf(&log, `{"level":"WARN","msg":"warning %d"}`+"\n", i)
	}
	log.WriteString(`{"level":"ERROR","msg":"terraform apply failed"}` + "\n")
	log.WriteString("not json\n")
	var out bytes.Buffer
	showProblems(&out, log.Bytes())
	got := out.String()
	for _, want := range []string{"last 30", "terraform apply failed", "warning 34", "warning 6\""} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, absent := range []string{"run finished", "warning 5\"", "not json"} {
		if strings.Contains(got, absent) {
			t.Errorf("output holds %q:\n%s", absent, got)
		}
	}
	out.Reset()
	showProblems(&out, []byte(`{"level":"INFO","msg":"ok"}`+"\n"))
	if out.Len() != 0 {
		t.Errorf("a log without problems printed %q", out.String())
	}
}
