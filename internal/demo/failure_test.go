package demo

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/slacksim"
)

// A failed demo shows what the daemon knows of the target (the run in
// progress, the last result with the guardrails' verdict, the last runs
// and their triggers) and every Slack message it delivered, with its
// thread: a CI run whose click landed in the start-up pass would have
// shown that run and the "click again" reply.
func TestAFailedDemoShowsTheTargetsRunsAndTheSlackMessages(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+demoAPIToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/v1/status/demo":
			_, _ = w.Write([]byte(`{"name":"demo","status":"drift","findings":[{"check":"okta.redirect_uris","field":"settings.oauthClient.redirect_uris","severity":"error","fixable":true,"message":"missing"}],
				"remediation":{"mode":"approve","action":"refused","plan_id":"P1","refused":["stale: the Okta app or the W&B env changed after the plan was made; a new plan is needed"],"reason":"a guardrail refused the plan; nothing was applied"},
				"running_run":"demo-20261203T154606-3"}`))
		case "/v1/runs":
			_, _ = w.Write([]byte(`{"runs":[{"id":"demo-20261203T154606-3","trigger":"startup","started":"2026-12-03T15:46:06Z","duration_seconds":7.2,"result":{"name":"demo","status":"drift","remediation":{"mode":"approve","action":"awaiting_approval","plan_id":"P2"}}},
				{"id":"demo-20261203T154558-2","trigger":"api","started":"2026-12-03T15:45:58Z","duration_seconds":7.8,"result":{"name":"demo","status":"drift","remediation":{"mode":"approve","action":"refused","plan_id":"P1","refused":["no-destroy: okta_app_oauth.wandb"]}}}]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer api.Close()
	var out bytes.Buffer
	d := &demo{out: &out, api: api.URL, token: demoAPIToken}
	d.showTarget(context.Background())
	at := time.Date(2026, 12, 3, 15, 46, 6, 0, time.UTC)
	showSlack(&out, []slacksim.Message{
		{Method: "chat.postMessage", TS: "1.000001", Text: "*SSO drift on demo*: 1 finding", At: at},
		{Method: "chat.postMessage", TS: "1.000002", ThreadTS: "1.000001", At: at,
			Text: "<@U0DEMOAPPROVER> approved plan `P1`, but run demo-20261203T154606-3 is in progress; click again when it ends."},
	})
	got := out.String()
	for _, want := range []string{
		"run demo-20261203T154606-3 is in progress",
		"demo: DRIFT (1 drift finding)", "stale: the Okta app or the W&B env changed",
		"15:46:06.000 demo-20261203T154606-3 trigger startup, 7.2s: drift, remediation awaiting_approval (plan P2)",
		"trigger api, 7.8s: drift, remediation refused (plan P1): no-destroy: okta_app_oauth.wandb",
		"the Slack messages the daemon delivered (2):",
		"chat.postMessage ts 1.000001: SSO drift on demo: 1 finding",
		"chat.postMessage in the thread of 1.000001: @U0DEMOAPPROVER approved plan P1, but run demo-20261203T154606-3 is in progress",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// A daemon that cannot answer is said so, and the rest is still shown.
func TestAFailedDemoSaysWhenTheDaemonCannotBeAsked(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"reading the store failed"}`, http.StatusInternalServerError)
	}))
	defer api.Close()
	var out bytes.Buffer
	d := &demo{out: &out, api: api.URL, token: demoAPIToken}
	d.showTarget(context.Background())
	showSlack(&out, nil)
	got := out.String()
	for _, want := range []string{
		"the demo target's status could not be read: GET /v1/status/demo answered 500 Internal Server Error",
		"the demo target's runs could not be read", "the daemon delivered no Slack message",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
