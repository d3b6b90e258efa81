package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

func TestSlackAnnouncesAnOutageThatLastsAndItsEnd(t *testing.T) {
	for _, webhook := range []bool{false, true} {
		name := map[bool]string{false: "a bot posts one outage message and resolves it in place", true: "a webhook posts the outage and its end"}[webhook]
		t.Run(name, func(t *testing.T) {
			h := newAlertHarness(t, webhook)
			h.cfg.OutageAlertAfter = config.Duration(15 * time.Minute)
			t0 := h.now
			failing := func() *report.TargetResult {
				return &report.TargetResult{Name: "prod", Status: report.StatusError, ObservedAt: h.now, Errors: []report.ObservationError{
					{Source: "okta", Message: "reading Okta app 0oa1: rate limited since " + t0.UTC().Format(time.RFC3339) + " (429) <!channel>"}}}
			}
			for _, after := range []time.Duration{0, 10 * time.Minute} {
				h.now = t0.Add(after)
				h.notify(failing())
				h.flush()
			}
			if n := len(h.sim.Messages()); n != 0 {
				t.Fatalf("an error shorter than outage_alert_after sent %d messages", n)
			}
			for _, after := range []time.Duration{15 * time.Minute, time.Hour} {
				h.now = t0.Add(after)
				h.notify(failing())
				h.flush()
			}
			msgs := h.sim.Messages()
			if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "driftd cannot check prod") {
				t.Fatalf("a lasting outage: %d messages %+v, want one outage notice", len(msgs), msgs)
			}
			if !strings.Contains(msgs[0].Blocks, "rate limited since") || strings.Contains(msgs[0].Blocks, "<!channel>") {
				t.Errorf("the notice must carry the escaped reason: %s", msgs[0].Blocks)
			}
			h.now = t0.Add(61 * time.Minute)
			h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
			h.flush()
			want := "chat.postMessage,chat.update,chat.postMessage(thread)"
			if webhook {
				want = "webhook,webhook"
			}
			if got := strings.Join(h.methods(), ","); got != want {
				t.Fatalf("calls = %s, want %s", got, want)
			}
			last := h.sim.Messages()[len(h.sim.Messages())-1]
			if !strings.Contains(last.Text, "driftd reads prod again") {
				t.Errorf("the end of the outage: %q", last.Text)
			}
			h.noSecrets()
		})
	}
}
