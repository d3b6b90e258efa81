package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

// TestADeletedAlertMessageDoesNotSilenceTheTarget: someone deletes the
// drift alert in Slack. Each later step (changed, resolved) starts with a
// chat.update of that message, which Slack answers message_not_found for
// ever; the item was retried without end at the head of the target's
// queue, so nothing about the target reached Slack again. The update is
// posted as a new message, and the replies follow it into its thread.
func TestADeletedAlertMessageDoesNotSilenceTheTarget(t *testing.T) {
	h := newAlertHarness(t, false)
	h.notify(sampleResult())
	h.flush()
	root := h.sim.Messages()[0]
	h.sim.DeleteMessage(root.TS)

	changed := sampleResult()
	changed.Findings = changed.Findings[:1]
	h.now = h.now.Add(time.Minute)
	h.notify(changed)
	h.now = h.now.Add(time.Minute)
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.drainedAfterDeletion()
	msgs := h.sim.Messages()
	want := "chat.postMessage,chat.postMessage,chat.postMessage(thread),chat.update,chat.postMessage(thread)"
	if got := strings.Join(h.methods(), ","); got != want {
		t.Fatalf("calls after the alert was deleted:\n got %s\nwant %s", got, want)
	}
	reposted := msgs[1]
	for _, m := range msgs[2:] {
		if m.TS != reposted.TS && m.ThreadTS != reposted.TS {
			t.Errorf("message %+v is not about the re-posted alert %s", m, reposted.TS)
		}
	}
	if !strings.Contains(msgs[4].Text, "Resolved") {
		t.Errorf("the last reply: %q", msgs[4].Text)
	}
	h.noSecrets()
}

// TestAReminderAfterTheAlertWasDeletedIsPosted: a reminder is a thread
// reply alone, which Slack answers thread_not_found once its parent is
// deleted; it held up the target's queue as the update did.
func TestAReminderAfterTheAlertWasDeletedIsPosted(t *testing.T) {
	h := newAlertHarness(t, false)
	h.notify(sampleResult())
	h.flush()
	h.sim.DeleteMessage(h.sim.Messages()[0].TS)
	h.now = h.now.Add(4 * time.Hour)
	h.notify(sampleResult())
	h.now = h.now.Add(time.Minute)
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.drainedAfterDeletion()
	want := "chat.postMessage,chat.postMessage,chat.update,chat.postMessage(thread)"
	if got := strings.Join(h.methods(), ","); got != want {
		t.Fatalf("calls after the alert was deleted:\n got %s\nwant %s", got, want)
	}
	msgs := h.sim.Messages()
	if !strings.HasPrefix(msgs[1].Text, "Still drifting") || msgs[2].TS != msgs[1].TS || msgs[3].ThreadTS != msgs[1].TS {
		t.Errorf("the reminder is not the new root the resolution follows: %+v", msgs[1:])
	}
}

// drainedAfterDeletion flushes the outbox over half an hour of retries and
// fails the test unless every item went out.
func (h *alertHarness) drainedAfterDeletion() {
	h.t.Helper()
	for range 3 {
		h.flush()
		h.now = h.now.Add(10 * time.Minute)
	}
	if q, _ := h.store.Outbox(); len(q) != 0 {
		h.t.Fatalf("%d items stuck in the outbox after the alert was deleted, the first %s %s: %s", len(q), q[0].Kind, q[0].Op, q[0].LastError)
	}
}
