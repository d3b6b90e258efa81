package source

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fakeclock"
)

// TestTheFirstAnswerWithAFreshWindowEndsEveryHold: Okta limited the org
// with a reset an hour ahead; one probe's answer shows a fresh window, and
// the requests the budget held go out at once, whether they sleep in the
// budget or (past their attempt's timeout) in the retries, without the
// clock moving on to their timers.
func TestTheFirstAnswerWithAFreshWindowEndsEveryHold(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	var limited atomic.Bool
	limited.Store(true)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		now := clock.Now()
		if limited.Load() {
			for k, v := range rateHeaders(now, 0, strconv.FormatInt(now.Add(time.Hour).Unix(), 10)) {
				w.Header()[k] = v
			}
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		for k, v := range rateHeaders(now, 599, strconv.FormatInt(now.Add(time.Minute).Unix(), 10)) {
			w.Header()[k] = v
		}
	}))
	defer srv.Close()
	b := NewRateBudget(0.1)
	b.MaxWait, b.Clock = 30*time.Second, clock
	policy := RetryPolicy{Attempts: 3, AttemptTimeout: 10 * time.Second, BaseDelay: time.Second, MaxDelay: time.Second,
		MaxRateLimitWait: time.Minute, Clock: clock}
	inBudget := &http.Client{Transport: b.Transport(nil)}
	viaRetries := &http.Client{Transport: NewRetryTransport(b.Transport(nil), policy, nil)}
	get := func(c *http.Client) error {
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	// The 429 with its hour-long reset.
	if err := get(inBudget); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { done <- get(inBudget) }()
	go func() { done <- get(viaRetries) }()
	waitFor(t, 30*time.Second, "both requests are held", func() bool { return clock.Sleepers() == 2 })
	if n := calls.Load(); n != 1 {
		t.Fatalf("held requests went out: %d requests", n)
	}
	// Okta's window is fresh again; the probe, sent after the cap, says so.
	limited.Store(false)
	clock.Advance(b.MaxWait)
	probe := make(chan error, 1)
	go func() { probe <- get(inBudget) }()
	for range 3 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("a held request failed: %v", err)
			}
		case err := <-probe:
			if err != nil {
				t.Fatalf("the probe failed: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the held requests still wait after a fresh window (%d requests, %d sleeping)", calls.Load(), clock.Sleepers())
		}
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("requests = %d, want 4 (the 429, the probe and the two held ones, each once)", n)
	}
}
