package notify

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/store"
)

// hintingSender fails every send and asks to be retried after hint.
type hintingSender struct {
	recordingSender
	hint time.Duration
}

func (h *hintingSender) RetryAfter(error) time.Duration { return h.hint }

func TestAnAbsurdRetryAfterNeverHoldsAlertsLongerThanTheLongestBackoff(t *testing.T) {
	st, err := store.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.CommitAlert("prod", store.AlertState{Open: true}, []store.OutboxItem{{Target: "prod", Kind: AlertNew, Op: store.OpPostRoot, Text: "x", Created: now}}); err != nil {
		t.Fatal(err)
	}
	s := &hintingSender{recordingSender: recordingSender{fail: true}, hint: 30 * 24 * time.Hour}
	d := NewDeliverer(st, s, slog.New(slog.NewTextHandler(io.Discard, nil)), Clock{})
	_, next := d.Flush(context.Background())
	if wait := time.Until(next); wait > 5*time.Minute+time.Second {
		t.Errorf("a Retry-After of 30 days holds the alert for %s; want at most the 5m backoff cap", wait.Round(time.Second))
	}
}
