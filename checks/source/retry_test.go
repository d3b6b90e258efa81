package source

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRetryNeverRetriesAtOnceOnAnAbsurdReset(t *testing.T) {
	for _, reset := range []string{"9223372036854775807", "-9223372036854775808", "32503680000", "0", "soon"} {
		t.Run("a reset of "+reset+" backs off instead", func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				calls++
				w.Header().Set("X-Rate-Limit-Reset", reset)
				w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			rt := NewRetryTransport(nil, testPolicy, nil).(*retryTransport)
			var waits []time.Duration
			rt.clock = recordSleeps{&waits}
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			_, err := rt.RoundTrip(req)
			var rl *RateLimitedError
			if !errors.As(err, &rl) {
				t.Fatalf("err = %v, want a RateLimitedError", err)
			}
			if calls != testPolicy.Attempts || len(waits) != testPolicy.Attempts-1 {
				t.Fatalf("%d requests and waits %v, want %d requests with a backoff between", calls, waits, testPolicy.Attempts)
			}
			for _, w := range waits {
				if w < testPolicy.BaseDelay/2 || w > testPolicy.MaxDelay {
					t.Errorf("waited %s, want a backoff within [%s, %s]", w, testPolicy.BaseDelay/2, testPolicy.MaxDelay)
				}
			}
		})
	}
}

// recordSleeps is the wall clock's time and sleeps that only record
// their length.
type recordSleeps struct{ waits *[]time.Duration }

func (recordSleeps) Now() time.Time { return time.Now() }

func (r recordSleeps) Sleep(_ context.Context, d time.Duration, _ <-chan struct{}) error {
	*r.waits = append(*r.waits, d)
	return nil
}

func TestRetrySaysSinceWhenItIsRateLimited(t *testing.T) {
	limited := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if limited {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer srv.Close()
	t0 := time.Date(2026, 11, 29, 0, 10, 0, 0, time.UTC)
	now := t0
	rt := NewRetryTransport(nil, RetryPolicy{Attempts: 1}, nil).(*retryTransport)
	rt.clock = nowFunc(func() time.Time { return now })
	read := func() error {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, err := rt.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	_ = read()
	now = t0.Add(20 * time.Minute)
	err := read()
	if want := "rate limited since " + t0.Format(time.RFC3339); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to say %q", err, want)
	}
	limited = false
	if err := read(); err != nil {
		t.Fatal(err)
	}
	limited = true
	now = t0.Add(30 * time.Minute)
	if err := read(); err == nil || !strings.Contains(err.Error(), "since "+now.Format(time.RFC3339)) {
		t.Fatalf("a success ends the rate limit; the next one starts anew: %v", err)
	}
}
