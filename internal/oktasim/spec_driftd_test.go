package oktasim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/oktasim"
)

// specProxy serves a simulator and validates every exchange against the
// spec: the request as the client (driftd) sent it and the simulator's
// answer.
type specProxy struct {
	sim       *oktasim.Server
	sc        *specCheck
	mu        sync.Mutex
	exchanges int
	problems  []string
}

func (p *specProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	p.sim.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())

	req := r.Clone(context.Background())
	req.URL.Scheme, req.URL.Host, req.RequestURI = "http", r.Host, ""
	reqErr, respErr := p.sc.check(req, body, rec.Code, rec.Header(), rec.Body.Bytes())
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges++
	if reqErr == errNotInSpec {
		p.problems = append(p.problems, r.Method+" "+r.URL.Path+": driftd called an operation the spec does not describe")
		return
	}
	for _, e := range specErrors(reqErr) {
		p.problems = append(p.problems, r.Method+" "+r.URL.Path+": driftd's request: "+e)
	}
	for _, e := range specErrors(respErr) {
		if specExceptionFor(r.URL.Path, e) < 0 {
			p.problems = append(p.problems, r.Method+" "+r.URL.Path+": the simulator's answer: "+e)
		}
	}
}

// TestDriftdRequestsFollowTheSpec validates every request driftd's Okta
// reader sends (app, assignments, app users, group lookup, trusted
// origins, authorization server policies and rules, System Log) and the
// simulator's answers to them against Okta's OpenAPI spec.
func TestDriftdRequestsFollowTheSpec(t *testing.T) {
	sim := oktasim.New(oktasim.Options{RateLimit: 1 << 30})
	p := &specProxy{sim: sim}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	sim.URL = ts.URL
	p.sc = newSpecCheck(t, ts.URL)

	sim.PutApp(oktasim.NewWandbApp("0oawandb000000000001", "0oawandbclient", "https://wandb.acme.test", true))
	if _, err := sim.SetUpSignIn("0oawandb000000000001", "https://wandb.acme.test"); err != nil {
		t.Fatal(err)
	}
	sim.AddAuthorizationServer("auswandb000000000001")
	ctx := context.Background()
	r, err := source.NewOktaReader(ctx, source.OktaOptions{OrgURL: ts.URL, Token: sim.Token})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"app":         func() error { _, err := r.App(ctx, "0oawandb000000000001"); return err },
		"assignments": func() error { _, err := r.AppGroups(ctx, "0oawandb000000000001"); return err },
		"app users":   func() error { _, err := r.AppUserCount(ctx, "0oawandb000000000001"); return err },
		"group":       func() error { _, err := r.ResolveGroup(ctx, oktasim.WandbUsersGroup); return err },
		"origins":     func() error { _, err := r.TrustedOrigins(ctx); return err },
		"auth server": func() error { _, err := r.AuthServer(ctx, "auswandb000000000001"); return err },
		"system log":  func() error { _, err := r.ReadLog(ctx, source.LogCursor{}, "", 100); return err },
	}
	for name, call := range calls {
		if err := call(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.Logf("%d exchanges of driftd with the simulator validated against the spec", p.exchanges)
	for _, pr := range p.problems {
		t.Error(pr)
	}
}

// TestEventDeliveriesFollowTheSpec validates every event the simulator's
// Event Hook deliveries carry against the spec's LogEvent: the spec
// describes no Event Hook request body (its x-webhooks hold inline hooks
// only), but data.events[] are System Log events.
func TestEventDeliveriesFollowTheSpec(t *testing.T) {
	schema := loadSpec(t).Components.Schemas["LogEvent"]
	if schema == nil || schema.Value == nil {
		t.Fatal("the spec has no LogEvent schema")
	}
	got := make(chan []json.RawMessage, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d struct {
			Data struct {
				Events []json.RawMessage `json:"events"`
			} `json:"data"`
		}
		_ = json.NewDecoder(r.Body).Decode(&d)
		got <- d.Data.Events
	}))
	t.Cleanup(hook.Close)
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	sim.DeliverEventHooks(hook.URL, "secret")
	sim.PutApp(oktasim.NewWandbApp("0oawandb000000000001", "0oawandbclient", "https://wandb.acme.test", true))
	if err := sim.AdminEdit("0oawandb000000000001", func(a *oktasim.App) { a.Label = "W&B" }); err != nil {
		t.Fatal(err)
	}
	select {
	case evs := <-got:
		if len(evs) == 0 {
			t.Fatal("a delivery without events")
		}
		for _, raw := range evs {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if err := schema.Value.VisitJSON(v, openapi3MultiErrors()); err != nil {
				t.Errorf("a delivered event breaks the spec's LogEvent: %s\n%s", strings.Join(specErrors(err), "\n"), raw)
			}
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no Event Hook delivery within 30s")
	}
}
