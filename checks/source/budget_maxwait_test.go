package source

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateBudgetFailsFastWhenTheResetIsBeyondMaxWait(t *testing.T) {
	now := time.Unix(1000, 0)
	calls := 0
	next := roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls++
		h := http.Header{}
		h.Set("X-Rate-Limit-Limit", "10")
		h.Set("X-Rate-Limit-Remaining", "0")
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Add(time.Minute).Unix(), 10))
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: h, Body: http.NoBody}, nil
	})
	for _, c := range []struct {
		name    string
		maxWait time.Duration
		want    bool
	}{
		{name: "a reset a minute away with a 100ms limit fails at once", maxWait: 100 * time.Millisecond, want: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewRateBudget(0)
			b.now = func() time.Time { return now }
			b.MaxWait = c.maxWait
			rt := b.Transport(next)
			req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/api/v1/apps", nil)
			if _, err := rt.RoundTrip(req); err != nil {
				t.Fatalf("first request: %v", err)
			}
			start := time.Now()
			_, err := rt.RoundTrip(req)
			var rl *RateLimitedError
			if got := errors.As(err, &rl); got != c.want || time.Since(start) > time.Second || calls != 1 {
				t.Fatalf("err %v after %s, %d calls", err, time.Since(start), calls)
			}
			if !rl.Reset.Equal(now.Add(time.Minute)) {
				t.Errorf("reset %s", rl.Reset)
			}
		})
	}
}
