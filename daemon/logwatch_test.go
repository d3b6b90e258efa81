package daemon

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// logWatch is a log handler that counts the daemon's messages, so a test
// waits for the daemon to say it reached a state ("skipping scheduled
// run", "waiting for the target's running run") instead of sleeping.
type logWatch struct {
	mu      sync.Mutex
	count   map[string]int
	changed chan struct{} // closed and replaced on every record
}

func newLogWatch() *logWatch {
	return &logWatch{count: map[string]int{}, changed: make(chan struct{})}
}

func (w *logWatch) logger() *slog.Logger { return slog.New(watchHandler{w}) }

// wait waits until msg has been logged n times.
func (w *logWatch) wait(t *testing.T, msg string, n int) {
	t.Helper()
	guard := time.After(startupDeadline)
	for {
		w.mu.Lock()
		got, changed := w.count[msg], w.changed
		w.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("waited %s for %q to be logged %d times; it was %d", startupDeadline, msg, n, got)
		}
	}
}

// n is how many times msg has been logged.
func (w *logWatch) n(msg string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count[msg]
}

type watchHandler struct{ w *logWatch }

func (h watchHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h watchHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h watchHandler) WithGroup(string) slog.Handler            { return h }

func (h watchHandler) Handle(_ context.Context, r slog.Record) error {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	h.w.count[r.Message]++
	close(h.w.changed)
	h.w.changed = make(chan struct{})
	return nil
}
