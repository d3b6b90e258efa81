package alertmanager

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/store"
)

func amConfig(url string) *config.AlertmanagerConfig {
	return &config.AlertmanagerConfig{URL: url, Labels: map[string]string{"team": "platform"},
		ResendInterval: config.Duration(10 * time.Second), ExternalURL: "https://driftd.acme.com"}
}

func newAlerter(t *testing.T, am *config.AlertmanagerConfig, now func() time.Time) (*Alerter, *store.Store) {
	t.Helper()
	st, err := store.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := &config.Config{Alertmanager: am, Targets: []config.Target{{Name: "prod"}}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return NewAlerter(st, func() *config.Config { return cfg }, log, nil, notify.Clock{Now: now, RetryBase: time.Millisecond}), st
}

// recorder keeps every POST /api/v2/alerts body and its Authorization.
type recorder struct {
	mu     sync.Mutex
	auth   []string
	posts  [][]Alert
	status int
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Method != http.MethodPost || req.URL.Path != "/api/v2/alerts" {
		http.NotFound(w, req)
		return
	}
	var alerts []Alert
	if err := json.NewDecoder(req.Body).Decode(&alerts); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	r.posts = append(r.posts, alerts)
	if r.status != 0 {
		w.WriteHeader(r.status)
	}
}

func TestPostsCarryTheBearerTokenAndAnExpiryThreeIntervalsAhead(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	am := amConfig(srv.URL)
	am.BearerToken = config.NewSecret("am-bearer-token")
	now := time.Now().UTC()
	a, _ := newAlerter(t, am, func() time.Time { return now })
	a.Notify(context.Background(), &config.Target{Name: "prod"}, drifting(checks.IDRedirectURIs))
	if sent, _ := a.Flush(context.Background()); sent != 1 {
		t.Fatalf("sent %d, want 1", sent)
	}
	got := rec.posts[0][0]
	for _, c := range []struct{ name, got, want string }{
		{"the bearer token is sent", rec.auth[0], "Bearer am-bearer-token"},
		{"endsAt is three resend intervals after the post", got.EndsAt, stamp(now.Add(30 * time.Second))},
		{"the generator URL points at the target's status", got.GeneratorURL, "https://driftd.acme.com/v1/status/prod"},
		{"the check is a label", got.Labels["check"], checks.IDRedirectURIs},
		{"the description carries the finding", got.Annotations["description"], `- [error] okta.redirect_uris is off. (field x; expected "a", actual "b")`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestARefusedPostStaysQueuedAndTheSweepDoesNotPileUpRePosts(t *testing.T) {
	rec := &recorder{status: http.StatusInternalServerError}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	now := time.Now()
	a, st := newAlerter(t, amConfig(srv.URL), func() time.Time { return now })
	a.Notify(context.Background(), &config.Target{Name: "prod"}, drifting(checks.IDRedirectURIs))
	if sent, _ := a.Flush(context.Background()); sent != 0 {
		t.Fatalf("sent %d through a failing Alertmanager", sent)
	}
	now = now.Add(time.Hour)
	a.Remind()
	items, err := st.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Notifier != Name || items[0].Attempts != 1 {
		t.Errorf("outbox %+v, want the one failed post", items)
	}
}

func TestWithoutTheSectionNothingIsQueued(t *testing.T) {
	a, st := newAlerter(t, nil, time.Now)
	a.Notify(context.Background(), &config.Target{Name: "prod"}, drifting(checks.IDRedirectURIs))
	a.Remind()
	if items, _ := st.Outbox(); len(items) != 0 {
		t.Errorf("queued %d items with no alertmanager section", len(items))
	}
}

func TestSendErrorsNeverShowTheCredentials(t *testing.T) {
	rec := &recorder{status: http.StatusUnauthorized}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	am := amConfig(srv.URL)
	am.BasicAuth = &config.BasicAuth{Username: "driftd", Password: config.NewSecret("am-basic-password")}
	s := &Sender{cfg: func() *config.Config { return &config.Config{Alertmanager: am} }, client: srv.Client(), now: time.Now}
	_, err := s.Send(context.Background(), store.OutboxItem{Blocks: json.RawMessage(`[{"labels":{"alertname":"x"}}]`)}, store.Root{})
	if err == nil || strings.Contains(err.Error(), "am-basic-password") {
		t.Fatalf("err = %v, want a refusal without the password", err)
	}
	if s.RetryAfter(err) >= 0 {
		t.Errorf("a 401 is retried soon (%v); it will not go away by itself", s.RetryAfter(err))
	}
}

// With Alertmanager down, every run of a drifting target after a resend
// interval must not queue another post of the same alerts: on recovery it
// gets one post per alert, not one per run.
func TestNotifyQueuesNoRePostWhileAPostOfTheTargetIsStillQueued(t *testing.T) {
	rec := &recorder{status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	now := time.Now()
	a, st := newAlerter(t, amConfig(srv.URL), func() time.Time { return now })
	prod := &config.Target{Name: "prod"}
	for range 6 {
		a.Notify(context.Background(), prod, drifting(checks.IDRedirectURIs))
		_, _ = a.Flush(context.Background())
		now = now.Add(11 * time.Second) // past the 10 s resend interval
	}
	if items, _ := st.Outbox(); len(items) != 1 {
		t.Fatalf("%d posts queued for one unchanged alert during an outage, want 1", len(items))
	}
	rec.mu.Lock()
	rec.status, rec.posts = 0, nil
	rec.mu.Unlock()
	now = now.Add(time.Hour) // past every backoff
	if sent, _ := a.Flush(context.Background()); sent != 1 {
		t.Fatalf("the recovered Alertmanager got %d posts, want 1", sent)
	}
	t.Run("a change is still queued behind a pending post", func(t *testing.T) {
		rec.mu.Lock()
		rec.status = http.StatusServiceUnavailable
		rec.mu.Unlock()
		a.Notify(context.Background(), prod, drifting(checks.IDGrantTypes))
		a.Notify(context.Background(), prod, drifting(checks.IDRedirectURIs))
		if items, _ := st.Outbox(); len(items) != 2 {
			t.Fatalf("%d posts queued for two changes, want 2", len(items))
		}
	})
}
