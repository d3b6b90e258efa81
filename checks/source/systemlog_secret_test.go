package source

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hangUp closes the connection without an answer, so the client sees a
// *url.Error that carries the request's URL.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestASystemLogReadNeverShowsTheServiceAppsClientAssertion(t *testing.T) {
	f, _ := startFront(t)
	f.always(hangUp)
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: f.URL, Retry: testPolicy,
		OAuth: &OktaOAuth{ClientID: "0oasvc", PrivateKey: pkcs8PEM(t, rsaKeys(t)[0]), KeyID: "k1", Scopes: allScopes}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.ReadLog(context.Background(), LogCursor{Since: time.Now()}, ChangeFilter(), 10)
	if err == nil {
		t.Fatal("no error from a token endpoint that hangs up")
	}
	if strings.Contains(err.Error(), "client_assertion=") {
		t.Errorf("the error shows the signed client assertion: %.300s", err)
	}
	if !strings.Contains(err.Error(), "0oasvc") {
		t.Errorf("the error does not name the service app: %s", err)
	}
}
