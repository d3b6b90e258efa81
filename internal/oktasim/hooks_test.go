package oktasim_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
)

// hookRecorder records Event Hook deliveries and the header the secret
// came in.
type hookRecorder struct {
	mu     sync.Mutex
	got    []oktasim.EventHookPayload
	secret []string
}

func (h *hookRecorder) serve(t *testing.T, header string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p oktasim.EventHookPayload
		_ = json.NewDecoder(r.Body).Decode(&p)
		h.mu.Lock()
		h.got, h.secret = append(h.got, p), append(h.secret, r.Header.Get(header))
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (h *hookRecorder) events(t *testing.T, want int) []oktasim.LogEvent {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.mu.Lock()
		var evs []oktasim.LogEvent
		for _, p := range h.got {
			evs = append(evs, p.Data.Events...)
		}
		h.mu.Unlock()
		if len(evs) >= want || time.Now().After(deadline) {
			return evs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAnEventHookGetsOnlyItsSubscribedEligibleTypesInBatches(t *testing.T) {
	rec := &hookRecorder{}
	srv := rec.serve(t, "X-Okta-Hook-Key")
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	sim.AddAuthorizationServer("aus1")
	if err := sim.AddEventHook(oktasim.EventHook{URL: srv.URL, Header: "X-Okta-Hook-Key", Secret: "hook-s3cret",
		Events: []string{"application.lifecycle.update", "security.trusted_origin.create", "policy.rule.update"}}); err != nil {
		t.Fatal(err)
	}
	release := sim.HoldEventHooks()
	steps := []func() error{
		func() error {
			return sim.AdminEdit(appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://evil.test/cb"} })
		},
		// Not hook-eligible: the System Log alone carries it.
		func() error {
			return sim.AdminEditAuthServer("aus1", func(a *oktasim.AuthorizationServer) { a.Status = "INACTIVE" })
		},
		// Eligible but not subscribed.
		func() error { return sim.AssignUser(appID, "00uada", "ada@acme.test") },
		func() error { _, err := sim.AddTrustedOrigin("W&B", "https://wandb.acme.test", "CORS"); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	release()
	evs := rec.events(t, 2)
	rec.mu.Lock()
	deliveries, secrets := len(rec.got), rec.secret
	rec.mu.Unlock()
	if len(evs) != 2 || evs[0].EventType != "application.lifecycle.update" || evs[1].EventType != "security.trusted_origin.create" {
		t.Fatalf("delivered %+v; want the app update and the trusted origin, nothing else", evs)
	}
	if deliveries != 1 || secrets[0] != "hook-s3cret" {
		t.Errorf("%d deliveries with secrets %q; want both events in one delivery, the secret in X-Okta-Hook-Key", deliveries, secrets)
	}
	// The catalog's TrustedOriginResourceDetails: the URL in details.
	to := evs[1].Target[0]
	if to.Type != "TrustedOrigin" || to.DetailEntry["trusted_origin_url"] != "https://wandb.acme.test" || strings.HasPrefix(to.AlternateID, "https://") {
		t.Errorf("trusted origin target %+v; want its URL in detailEntry.trusted_origin_url", to)
	}
}

func TestAnEventHookCannotSubscribeToAnIneligibleType(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	for _, typ := range []string{"oauth2.as.updated", "policy.lifecycle.create", "policy.lifecycle.delete"} {
		err := sim.AddEventHook(oktasim.EventHook{URL: "http://127.0.0.1:1/hook", Secret: "s", Events: []string{typ}})
		if err == nil || !strings.Contains(err.Error(), "not an event-hook-eligible") {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

func TestAPolicyRuleEventNamesOnlyThePolicy(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	sim.AddAuthorizationServer("aus1")
	c := sswsClient(t, sim)
	ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(t.Context(), "aus1")
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := c.AuthorizationServer.ListAuthorizationServerPolicyRules(t.Context(), "aus1", ps[0].Id)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.AdminEditRule("aus1", ps[0].Id, rs[0].Id, func(r *oktasim.Rule) { r.Conditions.Scopes.Include = []string{"openid"} }); err != nil {
		t.Fatal(err)
	}
	evs := sim.Events()
	ev := evs[len(evs)-1]
	if ev.EventType != "policy.rule.update" || len(ev.Target) != 1 || ev.Target[0].ID != ps[0].Id || ev.Target[0].DetailEntry["policy_type"] != "OAuthAuthzPolicy" {
		t.Errorf("event %+v; want policy.rule.update naming only the policy, with policy_type OAuthAuthzPolicy", ev)
	}
}
