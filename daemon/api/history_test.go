package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// historyBackend has prod drifting and staging in sync, with three runs.
func historyBackend() *fakeBackend {
	t0 := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	run := func(id, target, status string, at int) Run {
		return Run{ID: id, Target: target, Trigger: "schedule", Started: t0.Add(time.Duration(at) * time.Minute),
			Result: report.TargetResult{Name: target, Status: status, Findings: []checks.Finding{}}}
	}
	return &fakeBackend{
		targets: []TargetStatus{
			{TargetResult: report.TargetResult{Name: "prod", Status: report.StatusDrift}},
			{TargetResult: report.TargetResult{Name: "staging", Status: report.StatusOK}},
		},
		history: []Run{run("r3", "prod", report.StatusDrift, 3), run("r2", "staging", report.StatusOK, 2), run("r1", "prod", report.StatusOK, 1)},
	}
}

func TestHistoryAndStatusEndpoints(t *testing.T) {
	tests := []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"one target's status is its own", "GET", "/v1/status/staging", 200, `"name":"staging","status":"ok"`},
		{"an unknown target's status is a JSON 404", "GET", "/v1/status/nope", 404, `{"error":"no target named \"nope\" in the config"}`},
		{"the history lists every run newest first", "GET", "/v1/runs", 200, `"id":"r3"`},
		{"the history keeps one target's runs", "GET", "/v1/runs?target=staging", 200, `{"runs":[{"id":"r2"`},
		{"a limit cuts the page and gives a cursor", "GET", "/v1/runs?limit=1", 200, `"next":"more"`},
		{"a limit of 500 is allowed", "GET", "/v1/runs?limit=500", 200, `"runs"`},
		{"a limit above 500 is refused", "GET", "/v1/runs?limit=501", 400, `{"error":"limit: \"501\" is not a whole number from 1 to 500"}`},
		{"a limit of zero is refused", "GET", "/v1/runs?limit=0", 400, `limit:`},
		{"a limit that is not a number is refused", "GET", "/v1/runs?limit=ten", 400, `limit:`},
		{"an unknown parameter is refused", "GET", "/v1/runs?targte=prod", 400, `{"error":"targte: unknown parameter; want target, limit or before"}`},
		{"a repeated parameter is refused", "GET", "/v1/runs?target=a&target=b", 400, `target: given more than once`},
		{"a bad cursor is refused", "GET", "/v1/runs?before=garbage", 400, `{"error":"before: not a cursor`},
		{"the history needs the token", "GET", "/v1/runs?token=x", 401, `bearer token`},
	}
	srv := newServerWith(t, historyBackend())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auth := "Bearer api-secret"
			if tc.status == 401 {
				auth = ""
			}
			resp, body := do(t, srv, tc.method, tc.path, auth, "")
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s = %d %s; want %d containing %s", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
}

func TestTheDefaultPageHoldsFiftyRuns(t *testing.T) {
	b := &fakeBackend{}
	for i := range 60 {
		b.history = append(b.history, Run{ID: fmt.Sprint(i), Target: "prod"})
	}
	srv := newServerWith(t, b)
	_, body := do(t, srv, "GET", "/v1/runs", "Bearer api-secret", "")
	var page RunsPage
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Runs) != DefaultRunsLimit || page.Next == "" {
		t.Errorf("default page = %d runs, next %q (%v); want %d and a cursor", len(page.Runs), page.Next, err, DefaultRunsLimit)
	}
}

func TestReloadAnswers(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		auth   string
		status int
		want   string
	}{
		{"a good config says what it loaded", nil, "Bearer api-secret", 200, `{"path":"/etc/driftd.yaml","targets":["prod"]}`},
		{"a refused config is 400 with the config's error", &ReloadError{Invalid: true, Err: errors.New("targets[0].oidc.auth_method: must be implicit or pkce")}, "Bearer api-secret", 400,
			`{"error":"config refused, the running config stays: targets[0].oidc.auth_method: must be implicit or pkce"}`},
		{"a config that fails to apply is 500", &ReloadError{Err: errors.New("building the Okta client: boom")}, "Bearer api-secret", 500,
			`{"error":"config reload failed, the running config stays: building the Okta client: boom"}`},
		{"an unexplained failure is 500 without detail", errors.New("internal detail"), "Bearer api-secret", 500,
			`{"error":"config reload failed, the running config stays"}`},
		{"a reload without the token is 401 and reloads nothing", nil, "", 401, `bearer token`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &fakeBackend{reloadErr: tc.err}
			srv := newServerWith(t, b)
			resp, body := do(t, srv, "POST", "/-/reload", tc.auth, "")
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("POST /-/reload = %d %s; want %d containing %s", resp.StatusCode, body, tc.status, tc.want)
			}
			if wantReloads := map[bool]int{true: 0, false: 1}[tc.status == 401]; b.reloads != wantReloads {
				t.Errorf("reloads = %d; want %d", b.reloads, wantReloads)
			}
		})
	}
}

// TestEveryErrorIsJSON walks each error status the API answers and wants
// {"error": "..."} in JSON for all of them.
func TestEveryErrorIsJSON(t *testing.T) {
	tests := []struct {
		name, method, path, auth, body string
		backend                        *fakeBackend
		status                         int
	}{
		{"a missing token is 401", "GET", "/v1/status", "", "", &fakeBackend{}, 401},
		{"a malformed body is 400", "POST", "/v1/reconcile", "Bearer api-secret", "{", &fakeBackend{}, 400},
		{"an unknown path is 404", "GET", "/v2/nothing", "", "", &fakeBackend{}, 404},
		{"a wrong method is 405", "PUT", "/-/reload", "", "", &fakeBackend{}, 405},
		{"a busy target is 409", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":"busy"}`, &fakeBackend{}, 409},
		{"a huge body is 413", "POST", "/v1/reconcile", "Bearer api-secret", strings.Repeat(" ", 5000), &fakeBackend{}, 413},
		{"a store failure is 500", "GET", "/v1/status", "Bearer api-secret", "", &fakeBackend{statusErr: errStoreDown}, 500},
		{"a store failure on one target is 500", "GET", "/v1/status/prod", "Bearer api-secret", "", &fakeBackend{statusErr: errStoreDown}, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServerWith(t, tc.backend)
			resp, body := do(t, srv, tc.method, tc.path, tc.auth, tc.body)
			assertJSONError(t, resp, body, tc.status)
			if strings.Contains(body, errStoreDown.Error()) {
				t.Errorf("the body relays an internal error: %s", body)
			}
		})
	}
	t.Run("a body that never arrives is 408", func(t *testing.T) {
		srv := httptest.NewServer(NewHandler(&fakeBackend{}, NewMetrics(), Options{BodyTimeout: 200 * time.Millisecond}))
		defer srv.Close()
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/reconcile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer api-secret\r\nContent-Length: 10\r\n\r\n{")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		assertJSONError(t, resp, string(body), http.StatusRequestTimeout)
	})
}

func assertJSONError(t *testing.T, resp *http.Response, body string, status int) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	err := json.Unmarshal([]byte(body), &e)
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/json" || err != nil || e.Error == "" {
		t.Errorf("%d (%s) %q; want %d with a JSON {\"error\": ...}", resp.StatusCode, resp.Header.Get("Content-Type"), body, status)
	}
}
