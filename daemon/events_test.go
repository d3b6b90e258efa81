package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

const eventHookSecret = "hook-secret-never-printed"

// eventFixture is two in-sync targets, Slack alerts to the recorder, and
// the given okta: event settings, served with schedule "@every 1h".
func eventFixture(t *testing.T, oktaEvents string) (*fixture.Fixture, *slacksim.Server, string) {
	t.Helper()
	f := fixture.New(t, "prod", "dev")
	sim := slacksim.Start(slackToken)
	t.Cleanup(sim.Close)
	body := strings.Replace(f.Body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n", "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n"+oktaEvents, 1)
	f.WriteConfig(body + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", slackToken, sim.APIURL()))
	base, stop := startDaemon(t, f)
	t.Cleanup(stop)
	waitFor(t, "the start-up pass", func() bool {
		_, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Count(out, `"status":"ok"`) == 2
	})
	return f, sim, base
}

// alerted waits until Slack has a message containing text and returns how
// long that took. Its guard is a hang guard, not a bound on speed: the
// fixtures run an hourly schedule, so a message before the test ends can
// only come from the path under test.
func alerted(t *testing.T, sim *slacksim.Server, text string) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < alertGuard {
		for _, m := range sim.Messages() {
			if strings.Contains(m.Text, text) {
				return time.Since(start)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no Slack message %q within %s; got %+v", text, alertGuard, sim.Messages())
	return 0
}

// alertGuard bounds alerted's wait.
const alertGuard = 2 * time.Minute

func breakRedirect(t *testing.T, sim *oktasim.Server, appID string, uri string) {
	t.Helper()
	if err := sim.AdminEdit(appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{uri} }); err != nil {
		t.Fatal(err)
	}
}

// TestAnAdminEditIsAlertedAndItsRevertResolvedWithinSeconds serves driftd
// with an hourly schedule, so only the change-event path can see the edit
// in time.
func TestAnAdminEditIsAlertedAndItsRevertResolvedWithinSeconds(t *testing.T) {
	cases := []struct {
		name     string
		settings string
		hook     bool
	}{
		{"through the System Log polled every second", "  events: {poll: 1s}\n", false},
		{"through an Okta Event Hook", "  events: {poll: 0s}\n  event_hook: {secret: " + eventHookSecret + "}\n", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, slack, base := eventFixture(t, tc.settings)
			if tc.hook {
				f.Sim.DeliverEventHooks(base+"/v1/okta/events", eventHookSecret)
			}
			f.Sim.ResetCounts()
			breakRedirect(t, f.Sim, "0oaprod", "https://evil.wandb.test/oidc/callback")
			took := alerted(t, slack, "SSO drift on prod")
			t.Logf("alerted %s after the edit", took)
			breakRedirect(t, f.Sim, "0oaprod", "https://prod.wandb.test/oidc/callback")
			took = alerted(t, slack, "Resolved: SSO wiring of prod")
			t.Logf("resolved %s after the revert", took)
			if n := f.Sim.Count("/api/v1/apps/0oadev"); n != 0 {
				t.Errorf("dev's app was read %d times; only the edited target should run", n)
			}
			if n := f.Sim.Count("/api/v1/apps/0oaprod"); n < 2 {
				t.Errorf("prod's app was read %d times, want a run per change", n)
			}
			_, metrics := fixture.Call(t, "GET", base+"/metrics", "", "")
			if !strings.Contains(metrics, "driftd_detection_seconds_count") || !strings.Contains(metrics, `driftd_events_total{result="queued"`) {
				t.Errorf("metrics lack the event path:\n%s", grepLines(metrics, "driftd_event"))
			}
		})
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
