package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/slacksim"
)

// A root post that Slack took but whose answer driftd never heard (killed
// during a slow chat.postMessage) must be found again, not posted twice:
// one root message per episode, and its thread and resolution follow it.
func TestARootPostInterruptedByACrashIsFoundAgainNotRePosted(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.SetChannels(slacksim.Channel{ID: "C0SSO", Name: "wandb-sso", Member: true})
	h.notify(sampleResult())
	h.sim.SetAnswerDelay("chat.postMessage", 3*time.Second)
	ctx, crash := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _, _ = h.a.delivery.Flush(ctx); close(done) }()
	// Slack has the post; driftd dies before the answer arrives.
	deadline := time.Now().Add(60 * time.Second)
	for len(h.sim.Messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the root post never reached Slack")
		}
		time.Sleep(5 * time.Millisecond)
	}
	crash()
	<-done
	h.sim.SetAnswerDelay("chat.postMessage", 0)
	h.restart()
	h.now = h.now.Add(time.Hour) // past any backoff
	h.flush()
	roots := 0
	for _, m := range h.sim.Messages() {
		if m.Method == "chat.postMessage" && m.ThreadTS == "" {
			roots++
		}
	}
	if roots != 1 {
		t.Fatalf("%d root messages for one episode after a crash mid-post, want 1: %v\n%s", roots, h.methods(), h.logs.String())
	}
	if items, _ := h.store.Outbox(); len(items) != 0 {
		t.Fatalf("the found post is still queued: %+v", items)
	}
	first := h.sim.Messages()[0]
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.flush()
	updated := false
	for _, m := range h.sim.Messages() {
		updated = updated || m.Method == "chat.update" && m.Channel == "C0SSO" && m.TS == first.TS
	}
	if !updated {
		t.Fatalf("the resolution did not update the found root %s: %v", first.TS, h.methods())
	}
}

// While Slack is down, a drift that outlasts repeat_interval must not queue
// a reminder behind the alert that is still waiting, run after run.
func TestNoReminderIsQueuedBehindAMessageStillWaitingForSlack(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.SetDown(true)
	h.notify(sampleResult())
	h.flush()
	for range 3 {
		h.now = h.now.Add(5 * time.Hour) // past repeat_interval (4h)
		h.notify(sampleResult())
		h.flush()
	}
	if q, _ := h.store.Outbox(); len(q) != 1 {
		t.Fatalf("%d messages queued for one unchanged drift during a Slack outage, want 1", len(q))
	}
	h.sim.SetDown(false)
	h.now = h.now.Add(time.Hour)
	h.flush()
	h.notify(sampleResult())
	h.flush()
	if got := strings.Join(h.methods(), ","); got != "chat.postMessage,chat.postMessage(thread)" {
		t.Fatalf("after recovery: %s, want the root then one reminder", got)
	}
}
