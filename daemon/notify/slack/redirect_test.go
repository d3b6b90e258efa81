package slack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/driftd/driftd/daemon/config"
)

// TestSlackRedirectIsAnErrorAndTheTokenStaysHome points slack.api_url at a
// host that answers every call with a 307 to another host. slack-go sends
// chat.postMessage's token in the form body, and Go's client re-sends a
// body on 307/308 to any host: the bot token must never reach the other
// host, and the message must stay queued, not count as posted on the
// other host's say-so.
func TestSlackRedirectIsAnErrorAndTheTokenStaysHome(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.URL.RawQuery+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"channel":"C1","ts":"1700000000.000100"}`)
	}))
	defer foreign.Close()
	// Another host name for the same listener, so Go does not treat the
	// redirect as same-host.
	elsewhere := strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()

	for _, webhook := range []bool{false, true} {
		h := newAlertHarness(t, webhook)
		h.cfg.Slack.APIURL = redirector.URL + "/api/"
		if webhook {
			h.cfg.Slack.WebhookURL = config.NewSecret(redirector.URL + "/services/T000/B000/XXXX")
		}
		h.restart()
		h.notify(sampleResult())
		if n := h.flush(); n != 0 {
			t.Errorf("webhook=%v: %d messages counted as delivered through a redirect", webhook, n)
		}
		if q, _ := h.store.Outbox(); len(q) != 1 || !strings.Contains(q[0].LastError, "redirect") || strings.Contains(q[0].LastError, "/services/") {
			t.Errorf("webhook=%v: outbox after a redirect: %+v", webhook, q)
		}
		h.noSecrets()
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range seen {
		if strings.Contains(s, slackToken) {
			t.Errorf("the bot token reached another host: %s", s)
		}
	}
	if len(seen) != 0 {
		t.Errorf("a redirect was followed to another host %d times", len(seen))
	}
}
