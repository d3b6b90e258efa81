package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/oktasim"
)

const hookSecret = "hook-secret-never-printed"

// backend is an idle daemon: the event endpoint never touches it.
type backend struct{}

func (backend) Ready() bool                                        { return true }
func (backend) Token() string                                      { return "api-token" }
func (backend) Run(string, string) (report.TargetResult, error)    { return report.TargetResult{}, nil }
func (backend) RunAll(string) *report.Report                       { return &report.Report{} }
func (backend) Status(context.Context) ([]api.TargetStatus, error) { return nil, nil }
func (backend) TargetStatus(context.Context, string) (api.TargetStatus, error) {
	return api.TargetStatus{}, nil
}
func (backend) Runs(context.Context, api.RunsQuery) (api.RunsPage, error) { return api.RunsPage{}, nil }
func (backend) Reload(context.Context) (api.ReloadResult, error)          { return api.ReloadResult{}, nil }

// sink records deliveries.
type sink struct {
	secret string
	mu     sync.Mutex
	got    []api.OktaEvent
}

func (s *sink) HookSecret() string { return s.secret }

func (s *sink) Deliver(_ string, evs []api.OktaEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, evs...)
}

func (s *sink) events() []api.OktaEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]api.OktaEvent(nil), s.got...)
}

func serveEvents(t *testing.T, s api.OktaEvents) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(api.NewHandler(backend{}, api.NewMetrics(), api.Options{OktaEvents: s}))
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, method, url string, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const delivery = `{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1","source":"https://acme.okta.com/api/v1/eventHooks/whoabc","eventId":"e1","data":{"events":[{"uuid":"u1","published":"2026-11-29T00:00:00.000Z","eventType":"application.lifecycle.update","target":[{"id":"0oaprod","type":"AppInstance","alternateId":"W&B"}]}]},"eventTime":"2026-11-29T00:00:01.000Z","contentType":"application/json"}`

func TestOktaEventHookEndpoint(t *testing.T) {
	s := &sink{secret: hookSecret}
	srv := serveEvents(t, s)
	url := srv.URL + "/v1/okta/events"
	auth := map[string]string{"Authorization": hookSecret}
	cases := []struct {
		name, method string
		header       map[string]string
		body         string
		want         int
		contains     string
	}{
		{"the one-time verification echoes the challenge", "GET", map[string]string{"Authorization": hookSecret, "X-Okta-Verification-Challenge": "chal-123"}, "", 200, `{"verification":"chal-123"}`},
		{"a verification without the secret is 401", "GET", map[string]string{"X-Okta-Verification-Challenge": "chal-123"}, "", 401, "Authorization"},
		{"a verification without a challenge is 400", "GET", auth, "", 400, "X-Okta-Verification-Challenge"},
		{"a delivery without the secret is 401", "POST", nil, delivery, 401, ""},
		{"a delivery with a wrong secret is 401", "POST", map[string]string{"Authorization": "Bearer " + hookSecret}, delivery, 401, ""},
		{"a malformed delivery is 400", "POST", auth, `{"data":`, 400, "malformed delivery"},
		{"a delivery without data.events is 400", "POST", auth, `{"eventType":"com.okta.event_hook"}`, 400, "data.events"},
		{"another method is 405", "PUT", auth, delivery, 405, "GET"},
		{"a delivery with the secret is taken", "POST", auth, delivery, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := call(t, tc.method, url, tc.header, tc.body)
			if code != tc.want || !strings.Contains(body, tc.contains) || strings.Contains(body, hookSecret) {
				t.Errorf("%s = %d %s; want %d containing %q", tc.method, code, body, tc.want, tc.contains)
			}
		})
	}
	got := s.events()
	if len(got) != 1 || got[0].UUID != "u1" || got[0].Target[0].ID != "0oaprod" || !got[0].Published.Equal(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("delivered %+v; want only the accepted delivery's event", got)
	}
}

func TestOktaEventHookIsOffWithoutASecret(t *testing.T) {
	srv := serveEvents(t, &sink{})
	if code, _ := call(t, "POST", srv.URL+"/v1/okta/events", map[string]string{"Authorization": ""}, delivery); code != 404 {
		t.Errorf("%d, want 404 while okta.event_hook.secret is unset", code)
	}
}

func TestOktaEventHookTakesTheSimulatorsDeliveries(t *testing.T) {
	s := &sink{secret: hookSecret}
	srv := serveEvents(t, s)
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.PutApp(oktasim.NewWandbApp("0oaprod", "0oaprodclient", "https://prod.wandb.test", false))
	sim.DeliverEventHooks(srv.URL+"/v1/okta/events", hookSecret)
	if err := sim.AdminEdit("0oaprod", func(a *oktasim.App) { a.Label = "edited" }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(s.events()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := s.events()
	if len(got) != 1 || got[0].EventType != "application.lifecycle.update" || got[0].Target[0].ID != "0oaprod" || got[0].Published.IsZero() {
		b, _ := json.Marshal(got)
		t.Errorf("delivered %s", b)
	}
}
