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
	if n := waitLogReads(f); n == 0 {
		t.Error("the System Log follower never read the log with the service app's credential")
	}
	if code, _ := fixture.Call(t, "GET", base+"/healthz", "", ""); code != http.StatusOK {
		t.Errorf("healthz %d", code)
	}
}

// waitLogReads waits for the simulator's System Log to be read, up to a
// minute: a hang guard, not a bound on speed.
func waitLogReads(f *fixture.Fixture) int {
	deadline := time.Now().Add(time.Minute)
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
	waitStartup(t, base)
	before := f.Sim.Count("/api/v1/logs") // judged once a later read is seen
	f.WriteConfig(withPoll("1s"))
	if code, body := fixture.Call(t, "POST", base+"/-/reload", apiToken, ""); code != http.StatusOK {
		t.Fatalf("reload = %d %s", code, body)
	}
	if n := waitLogReads(f); n == 0 {
		t.Fatal("after a reload to poll 1s the System Log was never read")
	}
	if before != 0 {
		t.Errorf("%d System Log reads with poll 0s, up to the end of the start-up pass", before)
	}
}
