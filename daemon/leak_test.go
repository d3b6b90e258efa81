package daemon

import (
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
)

func TestServeLeavesNoGoroutineBehind(t *testing.T) {
	f := fixture.New(t, "prod", "dev")
	f.WriteConfig(strings.Replace(f.Body, "okta:\n", "okta:\n  events: {poll: 1s}\n", 1))
	signal.Notify(make(chan os.Signal, 1)) // the signal package starts its one goroutine first
	before := runtime.NumGoroutine()
	base, stop := startDaemon(t, f)
	reconcileWhenFree(t, base)
	fixture.Call(t, "POST", base+"/-/reload", apiToken, "")
	// The reloaded daemon's System Log follower has polled: every part
	// that starts goroutines has run.
	reads := f.Sim.Count("/api/v1/logs")
	waitFor(t, "a System Log poll after the reload", func() bool { return f.Sim.Count("/api/v1/logs") > reads })
	stop()
	// A hang guard: the loop ends as soon as the goroutines are gone.
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		// Idle keep-alives of the test's own client, and the Okta SDK's
		// token caches, whose janitors stop when the cache is collected.
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines after serve returned, %d before:\n%s", n, before, buf)
	}
}
