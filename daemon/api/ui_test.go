package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

const xss = `<script>alert("owned")</script>`

// driftingBackend has prod drifting on a redirect URI whose message
// carries a script tag, and a run that planned the fix.
func driftingBackend() *fakeBackend {
	since := time.Date(2026, 11, 29, 0, 10, 0, 0, time.UTC)
	finding := checks.Finding{Check: checks.IDRedirectURIs, Target: "prod", Severity: checks.SeverityError, Field: "redirect_uris",
		Expected: []any{"https://prod.wandb.test/oidc/callback"}, Actual: []any{"https://evil.test/cb"},
		Missing: []string{"https://prod.wandb.test/oidc/callback"}, Fixable: true, Message: "Add the callback " + xss}
	res := report.TargetResult{Name: "prod", Status: report.StatusDrift, Findings: []checks.Finding{finding}, ObservedAt: since,
		Remediation: &report.RemediationResult{Mode: "plan", Action: report.ActionPlanned, Plan: &report.PlanSummary{Changes: []report.ResourceChange{{
			Address: "okta_app_oauth.wandb", Action: "update", Attributes: []report.AttributeChange{{Name: "redirect_uris", Before: `["https://evil.test/cb"]`, After: `["https://prod.wandb.test/oidc/callback"]`}}}}}}}
	b := &fakeBackend{targets: []TargetStatus{{TargetResult: res, DriftSince: &since}}}
	b.history = []Run{{ID: "r2", Target: "prod", Trigger: "schedule", Started: since, Result: res},
		{ID: "r1", Target: "prod", Trigger: "startup", Started: since.Add(-time.Minute), Result: report.TargetResult{Name: "prod", Status: report.StatusOK}}}
	return b
}

// browser is an HTTP client that keeps cookies by hand and never follows
// redirects, so each answer is seen as the browser would get it.
type browser struct {
	t      *testing.T
	srv    *httptest.Server
	cookie *http.Cookie
}

func (br *browser) do(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	br.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, br.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if br.cookie != nil {
		req.AddCookie(br.cookie)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			br.cookie = c
		}
	}
	return resp, string(data)
}

func (br *browser) login(token string) *http.Response {
	br.t.Helper()
	resp, _ := br.do("POST", "/login", url.Values{"token": {token}}, map[string]string{"Origin": br.srv.URL})
	return resp
}

func TestTheStatusPageNeedsALogin(t *testing.T) {
	br := &browser{t: t, srv: newServerWith(t, driftingBackend())}
	resp, _ := br.do("GET", "/", nil, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / without a session = %d to %q; want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := br.do("GET", "/login", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `<form method="post" action="/login">`) {
		t.Errorf("GET /login = %d %s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q; want no script allowed", csp)
	}
	resp, body = br.do("POST", "/login", url.Values{"token": {"wrong"}}, map[string]string{"Origin": br.srv.URL})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not the server token") || br.cookie != nil {
		t.Errorf("a wrong token = %d, cookie %v: %s", resp.StatusCode, br.cookie, body)
	}
}

func TestLoginSetsASessionCookieNotTheToken(t *testing.T) {
	br := &browser{t: t, srv: newServerWith(t, driftingBackend())}
	resp := br.login("api-secret")
	c := br.cookie
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || c == nil {
		t.Fatalf("login = %d to %q, cookie %v", resp.StatusCode, resp.Header.Get("Location"), c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || strings.Contains(c.Value, "api-secret") || len(c.Value) < 40 {
		t.Errorf("cookie = %+v; want HttpOnly, SameSite=Strict, not Secure over plain HTTP, a random id", c)
	}
	br2 := &browser{t: t, srv: br.srv}
	br2.do("POST", "/login", url.Values{"token": {"api-secret"}}, map[string]string{"Origin": br.srv.URL, "X-Forwarded-Proto": "https"})
	if br2.cookie == nil || !br2.cookie.Secure || br2.cookie.Value == c.Value {
		t.Errorf("behind a TLS proxy the cookie = %+v; want Secure and a new id", br2.cookie)
	}
}

func TestTheStatusPageShowsTheDriftEscaped(t *testing.T) {
	br := &browser{t: t, srv: newServerWith(t, driftingBackend())}
	br.login("api-secret")
	resp, body := br.do("GET", "/", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`id="target-prod"`, `status-drift`, `2026-11-29 00:10:00 UTC`,
		`https://prod.wandb.test/oidc/callback`, `https://evil.test/cb`, `missing: https://prod.wandb.test/oidc/callback`,
		`Add the callback &lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;`,
		`Last remediation: planned (plan mode)`, `update okta_app_oauth.wandb`,
		`<svg`, `class="run-ok"`, `class="run-drift"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(body, xss) {
		t.Error("the finding's <script> reached the page unescaped")
	}
}

func TestASessionEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(br *browser, b *fakeBackend)
	}{
		{"logging out ends the session even for a copy of the cookie", func(br *browser, _ *fakeBackend) {
			kept := *br.cookie
			br.do("POST", "/logout", nil, map[string]string{"Origin": br.srv.URL})
			br.cookie = &kept
		}},
		{"a forged cookie is no session", func(br *browser, _ *fakeBackend) { br.cookie.Value = strings.Repeat("A", 43) }},
		{"a cookie holding the token is no session", func(br *browser, _ *fakeBackend) { br.cookie.Value = "api-secret" }},
		{"a rotated token ends every session", func(_ *browser, b *fakeBackend) { b.token.Store("rotated-token") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := driftingBackend()
			br := &browser{t: t, srv: newServerWith(t, b)}
			br.login("api-secret")
			if resp, _ := br.do("GET", "/", nil, nil); resp.StatusCode != 200 {
				t.Fatalf("GET / after login = %d", resp.StatusCode)
			}
			tc.end(br, b)
			if resp, _ := br.do("GET", "/", nil, nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("GET / = %d; want 303 to the login", resp.StatusCode)
			}
		})
	}
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	tests := []struct {
		name, path string
		header     map[string]string
	}{
		{"a login from another site's page", "/login", map[string]string{"Origin": "https://evil.test"}},
		{"a login from an opaque origin", "/login", map[string]string{"Origin": "null"}},
		{"a login that fetch metadata calls cross-site", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"a logout from another site's page", "/logout", map[string]string{"Origin": "https://evil.test"}},
	}
	for _, tc := range tests {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			br := &browser{t: t, srv: newServerWith(t, driftingBackend())}
			resp, body := br.do("POST", tc.path, url.Values{"token": {"api-secret"}}, tc.header)
			assertJSONError(t, resp, body, http.StatusForbidden)
			if br.cookie != nil {
				t.Errorf("a cookie was set: %+v", br.cookie)
			}
		})
	}
}

func TestTheStatusPageCanBeTurnedOff(t *testing.T) {
	var on atomic.Bool
	srv := httptest.NewServer(NewHandler(driftingBackend(), NewMetrics(), Options{UI: on.Load}))
	t.Cleanup(srv.Close)
	br := &browser{t: t, srv: srv}
	for _, path := range []string{"/", "/login", "/static/style.css"} {
		resp, body := br.do("GET", path, nil, nil)
		assertJSONError(t, resp, body, http.StatusNotFound)
	}
	on.Store(true)
	if resp, body := br.do("GET", "/static/style.css", nil, nil); resp.StatusCode != 200 || !strings.Contains(body, ".status-drift") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("with server.ui on, the stylesheet = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, path := range []string{"/static/nope.css", "/static/..%2fpage.html", "/static/"} {
		resp, body := br.do("GET", path, nil, nil)
		assertJSONError(t, resp, body, http.StatusNotFound)
	}
}
