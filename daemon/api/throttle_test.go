package api

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
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
