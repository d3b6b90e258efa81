package daemon

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
)

func TestRunnerPicksUpTheBackoffSavedBeforeARestart(t *testing.T) {
	s, err := store.OpenStore(t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := s.SaveBackoff("prod", store.Backoff{Failures: 3, Until: until}); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Concurrency: 1}
	r, err := NewRunner(t.Context(), &Engine{cfg: cfg}, slog.New(slog.NewTextHandler(io.Discard, nil)), RunnerOptions{Backoff: s})
	if err != nil {
		t.Fatal(err)
	}
	if bo := r.backoff["prod"]; bo.Failures != 3 || !bo.Until.Equal(until) {
		t.Fatalf("backoff after restart = %+v", bo)
	}
}
