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

// waitLogReads waits up to limit for the simulator's System Log to be read.
func waitLogReads(f *fixture.Fixture, limit time.Duration) int {
	deadline := time.Now().Add(limit)
	for f.Sim.Count("/api/v1/logs") == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	return f.Sim.Count("/api/v1/logs")
}

func TestAReloadThatTurnsTheSystemLogOnStartsFollowingIt(t *testing.T) {
	f := fixture.New(t, "prod")
	withPoll := func(poll string) string {
		return strings.Replace(f.Body, "okta:\n", "okta:\n  events: {poll: "+poll+"}\n", 1)
	}
	f.WriteConfig(withPoll("0s"))
	base, stop := startDaemon(t, f)
	defer stop()
	if n := waitLogReads(f, 1500*time.Millisecond); n != 0 {
		t.Fatalf("%d System Log reads with poll 0s", n)
	}
	f.WriteConfig(withPoll("1s"))
	if code, body := fixture.Call(t, "POST", base+"/-/reload", apiToken, ""); code != http.StatusOK {
		t.Fatalf("reload = %d %s", code, body)
	}
	if n := waitLogReads(f, 5*time.Second); n == 0 {
		t.Error("after a reload to poll 1s the System Log was never read")
	}
}
