package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// fakeBackend is the daemon as the API sees it, in memory: one target,
// "prod", that has never run, unless a test sets targets and history.
type fakeBackend struct {
	mu   sync.Mutex
	runs []string
	// targets replaces the one never-run "prod"; history is newest first.
	targets   []TargetStatus
	history   []Run
	statusErr error
	reloadErr error
	reloads   int
	// token replaces "api-secret" once set (a rotated token).
	token atomic.Value
}

func (f *fakeBackend) Ready() bool { return true }
func (f *fakeBackend) Token() string {
	if t, ok := f.token.Load().(string); ok {
		return t
	}
	return "api-secret"
}

func (f *fakeBackend) Run(target, trigger string) (report.TargetResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if target == "busy" {
		return report.TargetResult{}, &report.BusyError{Target: target, RunID: "run-busy"}
	}
	if target != "prod" {
		return report.TargetResult{}, &config.UnknownTargetError{Name: target}
	}
	f.runs = append(f.runs, target)
	return report.TargetResult{Name: target, Status: report.StatusOK, Findings: []checks.Finding{}, ObservedAt: time.Unix(1, 0)}, nil
}

func (f *fakeBackend) RunAll(trigger string) *report.Report {
	res, _ := f.Run("prod", trigger)
	return &report.Report{Targets: []report.TargetResult{res}}
}

func (f *fakeBackend) Status(context.Context) ([]TargetStatus, error) {
	if f.statusErr != nil {
		return nil, f.statusErr
	}
	if f.targets != nil {
		return f.targets, nil
	}
	return []TargetStatus{{TargetResult: report.TargetResult{Name: "prod", Status: "pending", Findings: []checks.Finding{}, Errors: []report.ObservationError{}}}}, nil
}

func newServer(t *testing.T, opts Options) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := &fakeBackend{}
	srv := httptest.NewServer(NewHandler(b, NewMetrics(), opts))
	t.Cleanup(srv.Close)
	return srv, b
}

func do(t *testing.T, srv *httptest.Server, method, path, auth, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func TestAPIAnswers(t *testing.T) {
	tests := []struct {
		name, method, path, auth, body string
		status                         int
		want                           string
	}{
		{"a lower-case bearer scheme is accepted", "GET", "/v1/status", "bearer api-secret", "", 200, `"name":"prod"`},
		{"an upper-case bearer scheme is accepted", "GET", "/v1/status", "BEARER api-secret", "", 200, `"name":"prod"`},
		{"a wrong token is refused", "GET", "/v1/status", "Bearer nope", "", 401, `{"error":"missing or invalid bearer token"}`},
		{"another scheme is refused", "GET", "/v1/status", "Basic api-secret", "", 401, `{"error":"missing or invalid bearer token"}`},
		{"a trailing second object is refused", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":"prod"}{"target":"other"}`, 400,
			`{"error":"malformed body: more after the JSON object; want {\"target\": \"NAME\"} or nothing"}`},
		{"trailing garbage is refused", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":"prod"} x`, 400, `more after the JSON object`},
		{"a wrong type says so without Go types", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":1}`, 400,
			`{"error":"malformed body: \"target\" must be a string, not a number; want {\"target\": \"NAME\"} or nothing"}`},
		{"an unknown field is named", "POST", "/v1/reconcile", "Bearer api-secret", `{"targt":"prod"}`, 400,
			`{"error":"malformed body: unknown field \"targt\"; want {\"target\": \"NAME\"} or nothing"}`},
		{"a body that is not JSON is refused", "POST", "/v1/reconcile", "Bearer api-secret", `prod`, 400, `malformed body: not valid JSON`},
		{"an unknown target is 404 in JSON", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":"nope"}`, 404, `{"error":"no target named \"nope\" in the config"}`},
		{"an unknown path is 404 in JSON", "GET", "/nope", "", "", 404, `{"error":"no such endpoint: /nope"}`},
		{"a wrong method is 405 in JSON", "GET", "/v1/reconcile", "", "", 405, `{"error":"method GET not allowed on /v1/reconcile: use POST"}`},
		{"a too large body is 413", "POST", "/v1/reconcile", "Bearer api-secret", `{"target":"` + strings.Repeat("a", 5000) + `"}`, 413, `larger than 4096 bytes`},
		{"a never-run target has no observed_at", "GET", "/v1/status", "Bearer api-secret", "", 200, `"status":"pending"`},
	}
	srv, _ := newServer(t, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, srv, tc.method, tc.path, tc.auth, tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s, want %d with %s", resp.StatusCode, body, tc.status, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if strings.Contains(body, "0001-01-01") || strings.Contains(body, "Go struct") {
				t.Errorf("body shows a zero time or a Go type: %s", body)
			}
		})
	}
}

func TestAWrongMethodNamesTheAllowedOnes(t *testing.T) {
	srv, _ := newServer(t, Options{})
	resp, _ := do(t, srv, "DELETE", "/v1/status", "", "")
	if resp.StatusCode != 405 || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("%d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestAnEmptyBodyRunsEveryTarget(t *testing.T) {
	srv, b := newServer(t, Options{})
	resp, body := do(t, srv, "POST", "/v1/reconcile", "Bearer api-secret", "")
	var rep report.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil || resp.StatusCode != 200 || len(b.runs) != 1 {
		t.Errorf("%d %s (%v), runs %v", resp.StatusCode, body, err, b.runs)
	}
}

// TestANeverEndingBodyIsRefusedQuickly sends a chunked body that never
// ends and wants an answer within the body timeout, not Go's 30 s.
func TestANeverEndingBodyIsRefusedQuickly(t *testing.T) {
	srv, b := newServer(t, Options{BodyTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/reconcile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer api-secret\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n")
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer within 5s: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || time.Since(start) > 3*time.Second {
		t.Errorf("%d %s after %v", resp.StatusCode, body, time.Since(start))
	}
	if len(b.runs) != 0 {
		t.Errorf("a run started: %v", b.runs)
	}
}
