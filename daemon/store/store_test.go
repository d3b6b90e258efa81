package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

func TestRemediationBackoffSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := s.SaveBackoff("prod", Backoff{Failures: 3, Until: until}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if all, err := s.Backoffs(); err != nil || all["prod"].Failures != 3 || !all["prod"].Until.Equal(until) {
		t.Fatalf("backoff after restart = %+v, %v", all, err)
	}
	if err := s.SaveBackoff("prod", Backoff{}); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.Backoffs(); len(all) != 0 {
		t.Fatalf("a success must clear the backoff: %v", all)
	}
}

func TestStoreHistoryIsBounded(t *testing.T) {
	s, err := OpenStore(t.TempDir(), 5)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 12 {
		res := report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: time.Unix(int64(i), 0)}
		if _, _, err := s.Record(RunRecord{ID: "r", Started: time.Unix(int64(i), 0), Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	runs, _ := s.Runs()
	if len(runs) != 5 || runs[0].Started.Unix() != 7 {
		t.Fatalf("kept %d runs starting at %v", len(runs), runs[0].Started)
	}
}

func TestDriftEpisodeKeepsItsFirstSeenTime(t *testing.T) {
	s, err := OpenStore(t.TempDir(), 5)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Unix(1000, 0).UTC()
	rec := func(status string, at time.Time) {
		_, _, err := s.Record(RunRecord{ID: "r", Started: at, Result: report.TargetResult{Name: "prod", Status: status, ObservedAt: at}})
		if err != nil {
			t.Fatal(err)
		}
	}
	rec(report.StatusDrift, t0)
	rec(report.StatusError, t0.Add(time.Minute)) // an outage neither closes nor reopens it
	rec(report.StatusDrift, t0.Add(2*time.Minute))
	ep, ok, _ := s.Episode("prod")
	if !ok || !ep.FirstSeen.Equal(t0) || !ep.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("episode = %+v, %v", ep, ok)
	}
	rec(report.StatusOK, t0.Add(3*time.Minute))
	if _, ok, _ := s.Episode("prod"); ok {
		t.Fatal("an in-sync run must close the episode")
	}
}

func TestStateDirIsPrivate(t *testing.T) {
	tests := []struct {
		name        string
		existing    os.FileMode // 0: state_dir does not exist yet
		wantLoosend os.FileMode
	}{
		{name: "a new state_dir is created 0700", existing: 0, wantLoosend: 0},
		{name: "a world-readable state_dir is tightened to 0700 and reported", existing: 0o755, wantLoosend: 0o755},
		{name: "a private state_dir is left alone", existing: 0o700, wantLoosend: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			if tc.existing != 0 {
				if err := os.Mkdir(dir, tc.existing); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, tc.existing); err != nil {
					t.Fatal(err)
				}
			}
			s, err := OpenStore(dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o700 || s.Loosened() != tc.wantLoosend {
				t.Fatalf("state_dir mode %o, loosened %o; want 0700 and %o", fi.Mode().Perm(), s.Loosened(), tc.wantLoosend)
			}
		})
	}
}

func TestTheSystemLogCursorSurvivesAReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.LogCursor("https://acme.okta.com"); ok || err != nil {
		t.Fatalf("a new store has a cursor (%v, %v)", ok, err)
	}
	want := LogCursor{Since: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), After: "uuid-9", Saved: time.Date(2026, 11, 29, 0, 1, 0, 0, time.UTC)}
	if err := s.SaveLogCursor("https://acme.okta.com", want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.LogCursor("https://acme.okta.com")
	if !ok || err != nil || got != want {
		t.Errorf("cursor %+v (%v, %v), want %+v", got, ok, err, want)
	}
	if _, ok, _ := s.LogCursor("https://other.okta.com"); ok {
		t.Error("another org shares the cursor")
	}
}
