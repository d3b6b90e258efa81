package daemon

import (
	"net/http"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/slacksim"
)

// A captured signed click stays a replay after a reload: the guard
// belongs to the daemon, not to the Slack sender a reload replaces.
func TestASignedSlackClickCannotBeReplayedAfterAReload(t *testing.T) {
	sim := slacksim.Start(slackToken)
	defer sim.Close()
	f := fixture.New(t, "prod")
	f.WriteConfig(f.Body + "slack:\n  bot_token: " + slackToken + "\n  channel: \"#sso\"\n  api_url: " + sim.APIURL() +
		"\n  signing_secret: " + signingSecret + "\n  approvers: [UALICE]\n")
	base, stop := startDaemon(t, f)
	defer stop()
	body, now := click("plan-none", "UALICE"), time.Now()
	if code, out := postSigned(t, base, body, signingSecret, now); code != http.StatusOK {
		t.Fatalf("first click: %d %s", code, out)
	}
	if code, out := fixture.Call(t, "POST", base+"/-/reload", apiToken, ""); code != http.StatusOK {
		t.Fatalf("reload: %d %s", code, out)
	}
	if code, out := postSigned(t, base, body, signingSecret, now); code != http.StatusUnauthorized {
		t.Errorf("the same signed click after a reload = %d %s; want 401 replayed", code, out)
	}
}
