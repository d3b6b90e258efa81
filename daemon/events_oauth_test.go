package daemon

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/fixture"
)

func TestServeWithAnOAuthServiceAppFollowsTheSystemLog(t *testing.T) {
	f := fixture.New(t, "prod")
	asServiceApp(t, f, config.DefaultOAuthScopes...)
	body, err := os.ReadFile(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(strings.Replace(string(body), "okta:\n", "okta:\n  events: {poll: 1s}\n", 1))
	base, stop := startDaemon(t, f)
	defer stop()
	deadline := time.Now().Add(5 * time.Second)
	for f.Sim.Count("/api/v1/logs") == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := f.Sim.Count("/api/v1/logs"); n == 0 {
		t.Error("the System Log follower never read the log with the service app's credential")
	}
	if code, _ := fixture.Call(t, "GET", base+"/healthz", "", ""); code != http.StatusOK {
		t.Errorf("healthz %d", code)
	}
}
