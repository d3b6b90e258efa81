package daemon

import (
	"fmt"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

// TestAnEditMovingTheWandbTrustedOriginElsewhereRunsItsTarget: an admin
// changes prod's trusted origin to another URL. The System Log's
// security.trusted_origin.update names the origin's id and its new URL in
// trusted_origin_url (TrustedOriginResourceDetails, okta-developer-docs
// data/event-types.json; the simulator logs it so), which no target uses;
// no earlier event named the id, but the start-up pass read it as prod's,
// so the event runs prod and the drift is alerted without the schedule
// (hourly here).
func TestAnEditMovingTheWandbTrustedOriginElsewhereRunsItsTarget(t *testing.T) {
	f := fixture.New(t, "prod", "dev")
	slack := slacksim.Start(slackToken)
	t.Cleanup(slack.Close)
	body := strings.Replace(f.Body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n", "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n  events: {poll: 1s}\n", 1)
	f.WriteConfig(body + fmt.Sprintf("slack:\n  bot_token: %s\n  channel: \"#sso\"\n  api_url: %s\n", slackToken, slack.APIURL()))
	base, stop := startDaemon(t, f)
	t.Cleanup(stop)
	waitFor(t, "the start-up pass", func() bool {
		_, out := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		return strings.Count(out, `"status":"ok"`) == 2
	})
	id := ""
	for _, o := range f.Sim.TrustedOrigins() {
		if o.Origin == "https://prod.wandb.test" {
			id = o.ID
		}
	}
	if id == "" {
		t.Fatalf("no trusted origin for prod in %+v", f.Sim.TrustedOrigins())
	}
	if err := f.Sim.AdminEditTrustedOrigin(id, func(o *oktasim.TrustedOrigin) { o.Origin = "https://elsewhere.test" }); err != nil {
		t.Fatal(err)
	}
	alerted(t, slack, "SSO drift on prod")
}
