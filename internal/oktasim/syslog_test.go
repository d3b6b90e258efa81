package oktasim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
	"github.com/okta/okta-sdk-golang/v2/okta"
	"github.com/okta/okta-sdk-golang/v2/okta/query"
)

func lastEvent(t *testing.T, sim *oktasim.Server) oktasim.LogEvent {
	t.Helper()
	evs := sim.Events()
	if len(evs) == 0 {
		t.Fatal("no System Log event")
	}
	return evs[len(evs)-1]
}

func TestEveryChangeIsInTheSystemLog(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	c := sswsClient(t, sim)
	g, err := sim.AddGroup("wandb-users", "")
	if err != nil {
		t.Fatal(err)
	}
	sim.AddAuthorizationServer("aus1")
	cases := changeCases(sim, c, appID, g.ID)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sim.Events())
			if err := tc.act(); err != nil {
				t.Fatal(err)
			}
			ev := lastEvent(t, sim)
			if len(sim.Events()) != before+1 || ev.EventType != tc.eventType || ev.Outcome.Result != "SUCCESS" || ev.UUID == "" || ev.Actor.Type != "User" {
				t.Fatalf("%d new events, last %+v; want one %s", len(sim.Events())-before, ev, tc.eventType)
			}
			if tc.targetID != "" && !hasTarget(ev, tc.targetID) {
				t.Errorf("target %v lacks %s", ev.Target, tc.targetID)
			}
		})
	}
	t.Run("a refused change leaves no event", func(t *testing.T) {
		before := len(sim.Events())
		_ = sim.AdminEdit(appID, func(a *oktasim.App) { a.Credentials.OAuthClient.PKCERequired = false })
		if len(sim.Events()) != before {
			t.Error("a refused edit was logged")
		}
	})
}

type changeCase struct {
	name      string
	act       func() error
	eventType string
	targetID  string
}

// changeCases are changes through the API and the admin-edit helpers, in
// an order where each builds on the last, with the event each must log.
func changeCases(sim *oktasim.Server, c *okta.Client, appID, groupID string) []changeCase {
	ctx := context.Background()
	var origin oktasim.TrustedOrigin
	var policyID, ruleID string
	return []changeCase{
		{"an admin edit of the app is an application update", func() error {
			return sim.AdminEdit(appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://other.acme.test/cb"} })
		}, "application.lifecycle.update", appID},
		{"an update through the API is an application update", func() error {
			got, _, err := c.Application.GetApplication(ctx, appID, okta.NewOpenIdConnectApplication(), nil)
			if err == nil {
				_, _, err = c.Application.UpdateApplication(ctx, appID, got)
			}
			return err
		}, "application.lifecycle.update", appID},
		{"deactivating the app is an application deactivation", func() error {
			_, err := c.Application.DeactivateApplication(ctx, appID)
			return err
		}, "application.lifecycle.deactivate", appID},
		{"assigning a group is a group application assignment", func() error { return sim.AssignGroup(appID, groupID, 0) }, "group.application_assignment.add", groupID},
		{"unassigning through the API is its removal", func() error {
			_, err := c.Application.DeleteApplicationGroupAssignment(ctx, appID, groupID)
			return err
		}, "group.application_assignment.remove", appID},
		{"assigning a user is an application user membership", func() error { return sim.AssignUser(appID, "00uada", "ada@acme.test") }, "application.user_membership.add", "00uada"},
		{"adding a trusted origin is its creation", func() error {
			var err error
			origin, err = sim.AddTrustedOrigin("W&B", "https://wandb.acme.test", "CORS")
			return err
		}, "security.trusted_origin.create", ""},
		{"deactivating a trusted origin is its deactivation", func() error {
			return sim.AdminEditTrustedOrigin(origin.ID, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" })
		}, "security.trusted_origin.deactivate", ""},
		{"deactivating an authorization server", func() error {
			return sim.AdminEditAuthServer("aus1", func(a *oktasim.AuthorizationServer) { a.Status = "INACTIVE" })
		}, "oauth2.as.deactivated", "aus1"},
		{"changing an access policy is a policy update", func() error {
			ps, _, err := c.AuthorizationServer.ListAuthorizationServerPolicies(ctx, "aus1")
			if err != nil {
				return err
			}
			policyID = ps[0].Id
			return sim.AdminEditPolicy("aus1", policyID, func(p *oktasim.Policy) { p.Conditions.Clients.Include = []string{"0oawandbclient"} })
		}, "policy.lifecycle.update", ""},
		{"changing a rule's scopes is a policy rule update", func() error {
			rs, _, err := c.AuthorizationServer.ListAuthorizationServerPolicyRules(ctx, "aus1", policyID)
			if err != nil {
				return err
			}
			ruleID = rs[0].Id
			return sim.AdminEditRule("aus1", policyID, ruleID, func(r *oktasim.Rule) { r.Conditions.Scopes.Include = []string{"profile"} })
		}, "policy.rule.update", ""},
	}
}

func hasTarget(ev oktasim.LogEvent, id string) bool {
	for _, tg := range ev.Target {
		if tg.ID == id {
			return true
		}
	}
	return false
}

// readAll follows next links with the SDK until a page comes back empty.
func readAll(t *testing.T, c *okta.Client, qp *query.Params) ([]*okta.LogEvent, *okta.Response) {
	t.Helper()
	evs, resp, err := c.LogEvent.GetLogs(context.Background(), qp)
	if err != nil {
		t.Fatal(err)
	}
	all := evs
	for i := 0; len(evs) > 0 && resp.HasNextPage(); i++ {
		if i > 50 {
			t.Fatal("paging did not end")
		}
		evs = nil
		resp, err = resp.Next(context.Background(), &evs)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evs...)
	}
	return all, resp
}

func TestSystemLogPagingThroughTheSDK(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	c := sswsClient(t, sim)
	g, _ := sim.AddGroup("wandb-users", "")
	for i := 0; i < 5; i++ {
		_ = sim.AdminEdit(appID, func(a *oktasim.App) { a.Label = "W&B " + string(rune('a'+i)) })
		_ = sim.AssignGroup(appID, g.ID, int64(i))
	}
	filter := `eventType eq "application.lifecycle.update" or eventType eq "group.application_assignment.add"`
	since := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)

	t.Run("a polling query pages through every matching event once, in order", func(t *testing.T) {
		all, resp := readAll(t, c, &query.Params{Since: since, Filter: filter, Limit: 2})
		if len(all) != 6 { // 5 updates and the first assignment (the others are updates of it)
			t.Fatalf("%d events, want 6", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].Published.Before(*all[i-1].Published) || all[i].Uuid == all[i-1].Uuid {
				t.Fatal("events out of order or repeated")
			}
		}
		if !resp.HasNextPage() {
			t.Error("a polling query's last page has no next link")
		}
		// A change after the last page shows on the next poll, alone.
		_ = sim.AdminEdit(appID, func(a *oktasim.App) { a.Label = "W&B z" })
		var more []*okta.LogEvent
		if _, err := resp.Next(context.Background(), &more); err != nil || len(more) != 1 || more[0].EventType != "application.lifecycle.update" {
			t.Fatalf("next poll: %d events, %v", len(more), err)
		}
	})
	t.Run("a bounded query ends without a next link", func(t *testing.T) {
		all, resp := readAll(t, c, &query.Params{Since: since, Until: time.Now().Add(time.Minute).UTC().Format(time.RFC3339), Filter: `eventType eq "group.application_assignment.add"`, Limit: 1})
		if len(all) != 1 || resp.HasNextPage() {
			t.Fatalf("%d events, next link %v", len(all), resp.HasNextPage())
		}
	})
	t.Run("DESCENDING puts the newest first", func(t *testing.T) {
		evs, _, err := c.LogEvent.GetLogs(context.Background(), &query.Params{Since: since, SortOrder: "DESCENDING", Limit: 1})
		if err != nil || len(evs) != 1 || evs[0].DisplayMessage != "Update application" {
			t.Fatalf("%v %v", evs, err)
		}
	})
	t.Run("target.id filters events about one object", func(t *testing.T) {
		evs, _, err := c.LogEvent.GetLogs(context.Background(), &query.Params{Since: since, Filter: `target.id eq "` + g.ID + `"`})
		if err != nil || len(evs) != 6 { // its creation, one assignment, four updates of it
			t.Fatalf("%d events, %v", len(evs), err)
		}
	})
}

func TestSystemLogRefusalsAndRateLimits(t *testing.T) {
	sim := startSim(t, oktasim.Options{})
	get := func(q url.Values) (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, sim.URL+"/api/v1/logs?"+q.Encode(), nil)
		req.Header.Set("Authorization", "SSWS "+sim.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		b, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(b, &body)
		return resp, body
	}
	cases := []struct {
		name   string
		q      url.Values
		status int
		code   string
	}{
		{"an unknown operator is an invalid filter", url.Values{"filter": {`eventType eqq "x"`}}, 400, "E0000053"},
		{"an unknown field is an invalid filter", url.Values{"filter": {`display_message eq "x"`}}, 400, "E0000053"},
		{"a date that is not ISO 8601 is refused", url.Values{"until": {"yesterday"}}, 400, "E0000001"},
		{"a limit over 1000 is refused", url.Values{"limit": {"1001"}}, 400, "E0000001"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(tc.q)
			if resp.StatusCode != tc.status || body["errorCode"] != tc.code {
				t.Fatalf("%d %v", resp.StatusCode, body)
			}
		})
	}
	t.Run("every answer carries the rate-limit headers", func(t *testing.T) {
		resp, _ := get(url.Values{})
		for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("no %s", h)
			}
		}
	})
	t.Run("an injected 429 answers the logs endpoint with Okta's rate-limit error", func(t *testing.T) {
		sim.InjectFaults(oktasim.Fault{Kind: oktasim.FaultStatus, Status: 429, ResetIn: 30 * time.Second})
		resp, body := get(url.Values{})
		if resp.StatusCode != 429 || body["errorCode"] != "E0000047" || resp.Header.Get("X-Rate-Limit-Remaining") != "0" {
			t.Fatalf("%d %v", resp.StatusCode, body)
		}
		if resp, _ := get(url.Values{}); resp.StatusCode != 200 {
			t.Errorf("the fault outlived one request: %d", resp.StatusCode)
		}
	})
}

func TestEventHooksAreDelivered(t *testing.T) {
	var mu sync.Mutex
	var got []oktasim.EventHookPayload
	var auth []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p oktasim.EventHookPayload
		_ = json.NewDecoder(r.Body).Decode(&p)
		mu.Lock()
		got, auth = append(got, p), append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer hook.Close()
	sim := startSim(t, oktasim.Options{})
	appID := wandbApp(t, sim)
	sim.DeliverEventHooks(hook.URL, "hook-s3cret")
	if err := sim.AdminEdit(appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://evil.test/cb"} }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	p := got[0]
	if auth[0] != "hook-s3cret" || p.EventType != "com.okta.event_hook" || p.EventTypeVersion != "1.0" || !strings.Contains(p.Source, "/api/v1/eventHooks/") {
		t.Errorf("delivery envelope: %+v, Authorization %q", p, auth[0])
	}
	if len(p.Data.Events) != 1 || p.Data.Events[0].EventType != "application.lifecycle.update" || !hasTarget(p.Data.Events[0], appID) {
		t.Errorf("delivered events: %+v", p.Data.Events)
	}
}
