package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
)

// fillStore writes enough history that the store spans many pages.
func fillStore(t *testing.T, dir string) string {
	t.Helper()
	s, err := store.OpenStore(dir, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		res := report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: time.Now(),
			Errors: []report.ObservationError{{Source: "okta", Message: strings.Repeat("x", 200)}}}
		if _, _, err := s.Record(store.RunRecord{ID: fmt.Sprint(i), Started: time.Now(), Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "driftd.db")
}

func TestABrokenStoreIsAClearErrorWithExitCode1(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, db string)
		want   string
	}{
		{name: "a store truncated to 8 KiB is refused with exit 1",
			break_: func(t *testing.T, db string) {
				if err := os.Truncate(db, 8<<10); err != nil {
					t.Fatal(err)
				}
			}, want: "driftd.db"},
		{name: "an empty store file is refused, not silently replaced by a fresh store",
			break_: func(t *testing.T, db string) {
				if err := os.Truncate(db, 0); err != nil {
					t.Fatal(err)
				}
			}, want: "is empty"},
		{name: "a store whose leaf elements point outside their pages is refused with exit 1 and the way out, never a fault",
			break_: func(t *testing.T, db string) {
				b, err := os.ReadFile(db)
				if err != nil {
					t.Fatal(err)
				}
				// The high byte of each page's first element position (store
				// pages are os.Getpagesize() bytes, meta pages 0 and 1 kept).
				ps := os.Getpagesize()
				for p := 2; (p+1)*ps <= len(b); p++ {
					b[p*ps+16+7] ^= 0x40
				}
				if err := os.WriteFile(db, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}, want: "driftd.db.bad"},
		{name: "a store of random bytes is refused with exit 1",
			break_: func(t *testing.T, db string) {
				if err := os.WriteFile(db, []byte(strings.Repeat("not a bbolt file ", 2000)), 0o600); err != nil {
					t.Fatal(err)
				}
			}, want: "driftd.db"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture.New(t, "prod")
			listen := freePort(t)
			serveConfig(f, listen)
			db := fillStore(t, filepath.Join(f.Dir, "state"))
			tc.break_(t, db)
			cmd := exec.Command(fixture.Driftd(t), "serve", "--config", f.Cfg)
			cmd.Env = append(os.Environ(), "DRIFTD_TEST_OKTA_TOKEN="+fixture.OktaToken, "DRIFTD_TEST_API_TOKEN="+fixture.APIToken)
			out, err := runWithin(cmd, 20*time.Second)
			code := cmd.ProcessState.ExitCode()
			if code != ExitError || !strings.Contains(out, tc.want) {
				t.Fatalf("serve exit %d (%v), want 1 with %q in:\n%s", code, err, tc.want, out)
			}
			if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
				t.Fatalf("the failure must be a message, not a crash:\n%s", out)
			}
			if fi, err := os.Stat(db); err == nil && tc.want == "is empty" && fi.Size() != 0 {
				t.Fatalf("an empty store must be left as it is, not initialised (now %d bytes)", fi.Size())
			}
		})
	}
}

// runWithin runs cmd and returns its combined output, killing it after d.
func runWithin(cmd *exec.Cmd, d time.Duration) (string, error) {
	var b strings.Builder
	cmd.Stdout, cmd.Stderr = &b, &b
	if err := cmd.Start(); err != nil {
		return "", err
	}
	timer := time.AfterFunc(d, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	return b.String(), err
}
