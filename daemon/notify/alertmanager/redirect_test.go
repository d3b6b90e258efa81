package alertmanager

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
)

// TestARedirectingAlertmanagerIsAnErrorAndNothingGoesElsewhere: an
// alertmanager.url that answers 307 to another host (a moved service, a
// proxy's login page) must leave the alert queued with the reason, and
// neither the alerts nor the basic-auth password may follow it there.
func TestARedirectingAlertmanagerIsAnErrorAndNothingGoesElsewhere(t *testing.T) {
	rec := &recorder{}
	foreign := httptest.NewServer(rec)
	defer foreign.Close()
	// The same port under another host name: Go copies Authorization to
	// the same host name on any port.
	elsewhere := strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	am := amConfig(redirector.URL)
	am.BasicAuth = &config.BasicAuth{Username: "driftd", Password: config.NewSecret("am-basic-password")}
	now := time.Now()
	a, st := newAlerter(t, am, func() time.Time { return now })
	a.Notify(context.Background(), &config.Target{Name: "prod"}, drifting(checks.IDRedirectURIs))
	if sent, _ := a.Flush(context.Background()); sent != 0 {
		t.Errorf("sent %d through a redirect", sent)
	}
	if items, _ := st.Outbox(); len(items) != 1 || !strings.Contains(items[0].LastError, "redirect") {
		t.Errorf("outbox after a redirect: %+v", items)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.posts) != 0 {
		t.Errorf("the alerts were posted to another host %d times (auth %q)", len(rec.posts), rec.auth)
	}
}
