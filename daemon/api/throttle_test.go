package api

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// An unauthenticated form that takes any number of guesses lets anyone who
// reaches the page brute-force server.token (which has no minimum length).
func TestRepeatedWrongLoginsAreThrottled(t *testing.T) {
	b := driftingBackend()
	br := &browser{t: t, srv: newServerWith(t, b)}
	guess := func(token string) *http.Response {
		resp, _ := br.do("POST", "/login", url.Values{"token": {token}}, map[string]string{"Origin": br.srv.URL})
		return resp
	}
	for i := range maxLoginFailures {
		if resp := guess("wrong" + strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong guess %d = %d, want 401", i+1, resp.StatusCode)
		}
	}
	t.Run("one guess more is refused with 429 and a Retry-After", func(t *testing.T) {
		resp := guess("wrong-again")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("guess past the limit = %d (Retry-After %q), want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
	t.Run("even the right token is refused while throttled, so guessing learns nothing", func(t *testing.T) {
		if resp := guess(b.Token()); resp.StatusCode != http.StatusTooManyRequests || br.cookie != nil {
			t.Fatalf("right token while throttled = %d (cookie %v), want 429 and no session", resp.StatusCode, br.cookie)
		}
	})
}

// secretHook is an Event Hook endpoint's view of the daemon that takes nothing.
type secretHook struct{ secret string }

func (h secretHook) HookSecret() string        { return h.secret }
func (secretHook) Deliver(string, []OktaEvent) {}

// credentialServer is the API with the page and the Event Hook endpoint
// on, and a clock that moves only when the test moves it.
func credentialServer(t *testing.T) (http.Handler, *fakeBackend, *time.Time) {
	t.Helper()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	b := driftingBackend()
	h := NewHandler(b, NewMetrics(), Options{UI: func() bool { return true }, OktaEvents: secretHook{"hook-secret"},
		Now: func() time.Time { return now }})
	return h, b, &now
}

// try sends one credential guess of kind from addr and returns the status.
func try(h http.Handler, kind, addr, credential string) *httptest.ResponseRecorder {
	var req *http.Request
	switch kind {
	case "bearer":
		req = httptest.NewRequest("GET", "/v1/status", nil)
		req.Header.Set("Authorization", "Bearer "+credential)
	case "hook":
		req = httptest.NewRequest("GET", "/v1/okta/events", nil)
		req.Header.Set("Authorization", credential)
		req.Header.Set("X-Okta-Verification-Challenge", "c")
	case "login":
		req = httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"token": {credential}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+req.Host)
	}
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestEveryCredentialCheckSharesOneThrottle(t *testing.T) {
	right := map[string]string{"bearer": "", "hook": "hook-secret", "login": ""}
	for _, kind := range []string{"bearer", "hook", "login"} {
		t.Run(kind+" guesses are throttled with 429 and Retry-After, the right credential included", func(t *testing.T) {
			h, b, now := credentialServer(t)
			if right[kind] == "" {
				right[kind] = b.Token()
			}
			for i := range maxLoginFailures {
				if rec := try(h, kind, "198.51.100.7", "wrong"+strconv.Itoa(i)); rec.Code != http.StatusUnauthorized {
					t.Fatalf("wrong guess %d = %d, want 401", i+1, rec.Code)
				}
			}
			rec := try(h, kind, "198.51.100.7", right[kind])
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
				t.Fatalf("the right credential while throttled = %d (Retry-After %q), want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
			}
			if rec := try(h, kind, "198.51.100.8", right[kind]); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("another address was throttled too")
			}
			*now = now.Add(loginWindow)
			if rec := try(h, kind, "198.51.100.7", right[kind]); rec.Code == http.StatusTooManyRequests || rec.Code == http.StatusUnauthorized {
				t.Fatalf("the right credential after the window = %d", rec.Code)
			}
		})
	}
	t.Run("guesses at the bearer, the hook and the login count together", func(t *testing.T) {
		h, b, _ := credentialServer(t)
		for i := range maxLoginFailures {
			try(h, []string{"bearer", "hook", "login"}[i%3], "198.51.100.9", "wrong")
		}
		for _, kind := range []string{"bearer", "hook", "login"} {
			if rec := try(h, kind, "198.51.100.9", b.Token()); rec.Code != http.StatusTooManyRequests {
				t.Errorf("%s after %d mixed guesses = %d, want 429", kind, maxLoginFailures, rec.Code)
			}
		}
	})
}

// Logins held open on a slow body must use up the address's guesses
// before any body is read: otherwise 200 held connections are 200 guesses.
func TestLoginsHeldOpenCountAgainstTheLimitBeforeTheirBodiesArrive(t *testing.T) {
	h, _, _ := credentialServer(t)
	const held = 2 * maxLoginFailures
	codes := make(chan int, held)
	var bodies []*io.PipeWriter
	for range held {
		pr, pw := io.Pipe()
		bodies = append(bodies, pw)
		req := httptest.NewRequest("POST", "/login", pr)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+req.Host)
		req.RemoteAddr = "203.0.113.5:40000"
		go func() { rec := httptest.NewRecorder(); h.ServeHTTP(rec, req); codes <- rec.Code }()
	}
	// Half are refused without reading a byte; the other half wait for bodies.
	for range held - maxLoginFailures {
		if code := <-codes; code != http.StatusTooManyRequests {
			t.Fatalf("a login answered %d before any body was sent; want 429 past %d held attempts", code, maxLoginFailures)
		}
	}
	for _, pw := range bodies {
		go func() { _, _ = pw.Write([]byte("token=wrong")); pw.Close() }()
	}
	for range maxLoginFailures {
		if code := <-codes; code != http.StatusUnauthorized && code != http.StatusTooManyRequests {
			t.Fatalf("a held wrong login = %d", code)
		}
	}
}

// One wrong guess from each of many addresses must neither grow the table
// without bound nor free an address that is throttled.
func TestFloodingFromOtherAddressesFreesNoThrottledAddress(t *testing.T) {
	l := newLoginThrottle()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for range maxLoginFailures {
		l.fail("192.0.2.1")
	}
	for i := range maxLoginClients + 500 {
		l.fail(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
	}
	if l.blocked("192.0.2.1") <= 0 {
		t.Fatalf("the throttled address was freed by one wrong guess from each of %d others", maxLoginClients+500)
	}
	if n := len(l.clients); n > maxLoginClients {
		t.Fatalf("the throttle holds %d addresses, more than its bound %d", n, maxLoginClients)
	}
	t.Run("when every entry is throttled, new addresses share one and are throttled together", func(t *testing.T) {
		for k := range l.clients {
			l.clients[k].count = maxLoginFailures
		}
		for range maxLoginFailures {
			l.fail("172.16.0.1")
		}
		if n := len(l.clients); n > maxLoginClients+1 {
			t.Fatalf("the throttle holds %d addresses", n)
		}
		if l.blocked("172.16.0.2") <= 0 {
			t.Fatal("a new address was let through while the table is full of throttled ones and the overflow is throttled")
		}
		now = now.Add(loginWindow)
		if l.blocked("172.16.0.2") > 0 || l.blocked("192.0.2.1") > 0 {
			t.Fatal("the throttle outlived its window")
		}
	})
}
