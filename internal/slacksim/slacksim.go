// Package slacksim is a local recording Slack Web API for tests and the
// demo: chat.postMessage, chat.update, incoming webhooks and, in
// history.go, conversations.history and conversations.list, with every
// delivered message recorded and faults to inject (Slack down, 429 with
// Retry-After, invalid_auth, and in faults.go the refusals of a
// misconfigured app: missing_scope, not_in_channel, channel_not_found,
// webhook 403/404). slack-go's own slacktest records neither
// chat.postMessage bodies nor chat.update, so driftd carries this one.
package slacksim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Message is one delivered call.
type Message struct {
	Method   string // chat.postMessage, chat.update or webhook
	Channel  string
	TS       string // the message's ts (for an update: the updated message)
	ThreadTS string
	Text     string
	Blocks   string    // raw Block Kit JSON
	At       time.Time // when the simulator received it
	// ChannelID is the conversation a post landed in (what Slack answers
	// with); Metadata the post's raw metadata argument (history.go).
	ChannelID string
	Metadata  string
}

// Server is a running recorder.
type Server struct {
	URL   string // base for slack.OptionAPIURL: URL + "/api/"
	Token string
	srv   *httptest.Server

	mu       sync.Mutex
	messages []Message
	seq      int
	down     bool
	rate     int // Retry-After seconds while > 0 requests remain limited
	rateLeft int
	badAuth  bool
	faults   faults
	delays   map[string]time.Duration // per method, see SetAnswerDelay
}

// Start runs a recorder on loopback that accepts token.
func Start(token string) *Server {
	s := &Server{Token: token}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// APIURL is the value for slack.OptionAPIURL and slack.api_url.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// WebhookURL is an incoming-webhook URL served by the recorder.
func (s *Server) WebhookURL() string { return s.URL + "/services/T000/B000/XXXX" }

// Close stops the recorder.
func (s *Server) Close() { s.srv.Close() }

// SetDown makes every call fail with 503 until SetDown(false).
func (s *Server) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// RateLimit answers the next n calls with 429 and Retry-After: seconds.
func (s *Server) RateLimit(n, seconds int) {
	s.mu.Lock()
	s.rateLeft, s.rate = n, seconds
	s.mu.Unlock()
}

// SetInvalidAuth makes calls answer ok:false, error invalid_auth.
func (s *Server) SetInvalidAuth(bad bool) { s.mu.Lock(); s.badAuth = bad; s.mu.Unlock() }

// Messages returns the delivered messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	// Registered first, so it runs after the unlock: the call is recorded
	// at once, its answer comes late, and other calls go on meanwhile.
	defer time.Sleep(s.answerDelay(strings.TrimPrefix(r.URL.Path, "/api/")))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		http.Error(w, "<html>503 Service Unavailable</html>", http.StatusServiceUnavailable)
		return
	}
	if s.rateLeft > 0 {
		s.rateLeft--
		w.Header().Set("Retry-After", fmt.Sprint(s.rate))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/services/") {
		if s.webhookFault(w) {
			return
		}
		var m struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			http.Error(w, "invalid_payload", http.StatusBadRequest)
			return
		}
		s.messages = append(s.messages, Message{Method: "webhook", Text: m.Text, Blocks: string(m.Blocks), At: time.Now()})
		_, _ = w.Write([]byte("ok"))
		return
	}
	form, _ := url.ParseQuery(string(body))
	token := form.Get("token")
	if token == "" {
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if token == "" {
		writeJSON(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	if s.badAuth || token != s.Token {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	channel, refused := s.apiFault(method, form.Get("channel"))
	if refused == nil {
		refused = s.deletedFault(method, form)
	}
	if refused != nil {
		writeJSON(w, refused)
		return
	}
	switch method {
	case "chat.postMessage":
		s.seq++
		// A ts is the post's Unix time with a unique suffix, as Slack's.
		ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq%1000000)
		s.messages = append(s.messages, Message{Method: method, Channel: form.Get("channel"), TS: ts,
			ThreadTS: form.Get("thread_ts"), Text: form.Get("text"), Blocks: form.Get("blocks"), At: time.Now(),
			ChannelID: channel, Metadata: form.Get("metadata")})
		writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts})
	case "chat.update":
		s.messages = append(s.messages, Message{Method: method, Channel: form.Get("channel"), TS: form.Get("ts"),
			Text: form.Get("text"), Blocks: form.Get("blocks"), At: time.Now()})
		writeJSON(w, map[string]any{"ok": true, "channel": form.Get("channel"), "ts": form.Get("ts"), "text": form.Get("text")})
	case "conversations.history":
		writeJSON(w, s.history(form))
	case "conversations.list":
		writeJSON(w, s.list())
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
