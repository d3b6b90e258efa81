package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/driftd/driftd/internal/oktasim"
)

// faultFront is a fault-injecting front for oktasim: every request goes to
// the simulator unless a queued (or sticky) answer replaces it, so a test can
// make "Okta" answer what the real service never should (an empty 200, a
// foreign app, a redirect, a 100 MB body, an absurd X-Rate-Limit-Reset) while
// everything else stays the simulator's real behaviour.
type faultFront struct {
	*httptest.Server
	sim   *oktasim.Server
	proxy *httputil.ReverseProxy

	mu     sync.Mutex
	queue  []http.HandlerFunc
	sticky http.HandlerFunc
	seen   []http.Header
}

func startFront(t *testing.T) (*faultFront, *oktasim.Server) {
	t.Helper()
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	sim.PutApp(oktasim.NewWandbApp("0oa1", "0oa1client", "https://wandb.acme.com", true))
	target, err := url.Parse(sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	f := &faultFront{sim: sim, proxy: proxy}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.Header.Clone())
		h := f.sticky
		if len(f.queue) > 0 {
			h, f.queue = f.queue[0], f.queue[1:]
		}
		f.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f, sim
}

// answer queues one replacement answer per call.
func (f *faultFront) answer(h ...http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, h...)
}

// always replaces every answer from now on.
func (f *faultFront) always(h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sticky = h
}

// requests is how many requests reached the front.
func (f *faultFront) requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen)
}

func (f *faultFront) reader(t *testing.T) *OktaReader {
	t.Helper()
	return f.readerWith(t, testPolicy)
}

// readerWith is a reader of the front that retries under policy.
func (f *faultFront) readerWith(t *testing.T, policy RetryPolicy) *OktaReader {
	t.Helper()
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: f.URL, Token: f.sim.Token, Retry: policy})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// otherApp answers with the simulator's app id instead of the one asked for.
func (f *faultFront) otherApp(id string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/api/v1/apps/" + id
		f.proxy.ServeHTTP(w, r)
	}
}

// jsonAnswer answers status with body as Okta's JSON, with Okta's headers.
func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// hugeAnswer streams prefix, then n bytes of filler, then suffix, without
// holding the body in memory on the server side.
func hugeAnswer(status int, prefix string, n int, suffix string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if _, err := w.Write([]byte(prefix)); err != nil {
			return
		}
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = 'x'
		}
		for n > 0 {
			c := chunk[:min(n, len(chunk))]
			if _, err := w.Write(c); err != nil {
				return // the client hung up, as it should
			}
			n -= len(c)
		}
		_, _ = w.Write([]byte(suffix))
	}
}
