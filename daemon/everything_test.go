package daemon

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/slacksim"
)

// TestAConfigWithEveryOptionalSectionIsServed: what validate accepts,
// serve runs, and every endpoint answers as the contract says.
func TestAConfigWithEveryOptionalSectionIsServed(t *testing.T) {
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer am.Close()
	sim := slacksim.Start(slackToken)
	defer sim.Close()
	f := fixture.New(t, "prod", "dev")
	k, pemText := testKey(t)
	svc, err := f.Sim.AddServiceApp("driftd", &k.PublicKey, "k1", config.DefaultOAuthScopes...)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_TEST_OKTA_KEY", pemText)
	t.Setenv("DRIFTD_TEST_HOOK_SECRET", "hook-secret-0123456789")
	body := strings.Replace(f.Body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n",
		"  oauth: {client_id: "+svc.ID+", private_key: \"${DRIFTD_TEST_OKTA_KEY}\", key_id: k1}\n"+
			"  events: {poll: 1s}\n  event_hook: {secret: \"${DRIFTD_TEST_HOOK_SECRET}\"}\n  rate_limit_reserve: 0.2\n", 1)
	body = strings.Replace(body, "server:\n", "server:\n  ui: false\n", 1)
	body = strings.Replace(body, "    okta: {app_id: 0oadev}\n",
		"    okta: {app_id: 0oadev, api_token: \"${DRIFTD_TEST_OKTA_TOKEN}\"}\n    slack: {channel: \"#dev\"}\n", 1)
	body += "concurrency: 2\nretention: 10\noutage_alert_after: 5m\nkubernetes: {watch: true}\n" +
		"alertmanager:\n  url: " + am.URL + "\n  labels: {team: platform}\n  bearer_token: am-token-0123456789\n" +
		"slack:\n  bot_token: " + slackToken + "\n  channel: \"#sso\"\n  api_url: " + sim.APIURL() +
		"\n  signing_secret: slack-signing-0123456789\n  approvers: [U012APPROVER]\n"
	f.WriteConfig(body)
	if _, err := config.LoadConfig(f.Cfg); err != nil {
		t.Fatalf("validate refuses the config: %v", err)
	}
	base, stop := startDaemon(t, f)
	defer stop()
	if n := waitLogReads(f); n == 0 {
		t.Error("the System Log was never read")
	}
	tests := []struct {
		name, method, path, auth, body string
		want                           int
	}{
		{"the status page is off", "GET", "/", "", "", 404},
		{"an Event Hook verification with the secret is answered", "GET", "/v1/okta/events", "hook-secret-0123456789", "", 400},
		{"an Event Hook delivery without the secret is refused", "POST", "/v1/okta/events", "", `{"data":{"events":[]}}`, 401},
		{"a reload keeps the config", "POST", "/-/reload", "Bearer " + apiToken, "", 200},
		{"an unsigned Slack click is refused", "POST", "/v1/slack/interactions", "", "payload=%7B%7D", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			code, out := doReq(t, req)
			if code != tc.want {
				t.Errorf("%s %s = %d %s; want %d", tc.method, tc.path, code, out, tc.want)
			}
			for _, secret := range []string{"hook-secret-0123456789", "am-token-0123456789", "slack-signing-0123456789", strings.Split(pemText, "\n")[1]} {
				if strings.Contains(out, secret) {
					t.Errorf("the answer shows a secret: %s", out)
				}
			}
		})
	}
}
