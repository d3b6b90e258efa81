package daemon

import (
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestRemediationBackoffSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := s.SaveBackoff("prod", backoffState{Failures: 3, Until: until}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenStore(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := &Config{Concurrency: 1}
	r, err := NewRunner(t.Context(), &Engine{cfg: cfg}, slog.New(slog.NewTextHandler(io.Discard, nil)), RunnerOptions{Backoff: s})
	if err != nil {
		t.Fatal(err)
	}
	if bo := r.backoff["prod"]; bo.Failures != 3 || !bo.Until.Equal(until) {
		t.Fatalf("backoff after restart = %+v", bo)
	}
	if err := s.SaveBackoff("prod", backoffState{}); err != nil {
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
		res := TargetResult{Name: "prod", Status: StatusOK, ObservedAt: time.Unix(int64(i), 0)}
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
		_, _, err := s.Record(RunRecord{ID: "r", Started: at, Result: TargetResult{Name: "prod", Status: status, ObservedAt: at}})
		if err != nil {
			t.Fatal(err)
		}
	}
	rec(StatusDrift, t0)
	rec(StatusError, t0.Add(time.Minute)) // an outage neither closes nor reopens it
	rec(StatusDrift, t0.Add(2*time.Minute))
	ep, ok, _ := s.Episode("prod")
	if !ok || !ep.FirstSeen.Equal(t0) || !ep.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("episode = %+v, %v", ep, ok)
	}
	rec(StatusOK, t0.Add(3*time.Minute))
	if _, ok, _ := s.Episode("prod"); ok {
		t.Fatal("an in-sync run must close the episode")
	}
}

func TestJitterIsAtMostATenthOfTheInterval(t *testing.T) {
	for spec, want := range map[string]time.Duration{
		"@every 1s": 100 * time.Millisecond, "@every 10s": time.Second, "@every 5m": 30 * time.Second,
		"*/5 * * * *": 30 * time.Second, "@hourly": 6 * time.Minute,
	} {
		s, err := CronParser.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := jitterBound(s); got != want {
			t.Errorf("%s: jitter bound %s, want %s", spec, got, want)
		}
	}
}
