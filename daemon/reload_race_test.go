package daemon

import (
	"net/http"
	"sync"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
)

func TestConcurrentReloadsReconcilesAndStatusReadsAgree(t *testing.T) {
	f := fixture.New(t, "prod", "staging")
	base, stop := startDaemon(t, f)
	defer stop()
	var wg sync.WaitGroup
	codes := make(chan string, 200)
	call := func(method, path, body string, ok ...int) {
		defer wg.Done()
		code, out := fixture.Call(t, method, base+path, apiToken, body)
		for _, c := range ok {
			if code == c {
				return
			}
		}
		codes <- method + " " + path + ": " + http.StatusText(code) + " " + out
	}
	for range 8 {
		wg.Add(4)
		go call("POST", "/-/reload", "", 200)
		go call("POST", "/v1/reconcile", `{"target":"prod"}`, 200, 409)
		go call("POST", "/v1/reconcile", "", 200)
		go call("GET", "/v1/status", "", 200)
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		t.Error(c)
	}
}
