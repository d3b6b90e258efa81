package source

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateBudget shares one Okta org's rate limit between all targets. It reads
// X-Rate-Limit-Limit/Remaining/Reset from every answer and, once the
// remaining requests fall to the reserved share, holds further requests
// until the window resets, so driftd slows down before Okta has to say 429
// and the org's other integrations keep their share.
type RateBudget struct {
	// Reserve is the share of the limit (0-1) left to others.
	Reserve float64
	// MaxWait, when set, is the longest a request is held for the window
	// to reset; a longer hold fails at once with a RateLimitedError, as
	// the retry policy's MaxRateLimitWait does for a 429.
	MaxWait time.Duration

	mu        sync.Mutex
	limit     int
	remaining int
	reset     time.Time
	now       func() time.Time
}

// NewRateBudget returns a budget reserving share of the org's limit.
func NewRateBudget(reserve float64) *RateBudget {
	return &RateBudget{Reserve: reserve, remaining: -1, now: time.Now}
}

// Transport wraps next so every request waits for the budget.
func (b *RateBudget) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if wait := b.wait(); b.MaxWait > 0 && wait > b.MaxWait {
			return nil, &RateLimitedError{Attempts: 1, Reset: b.now().Add(wait)}
		} else if wait > 0 {
			if err := sleepCtx(req.Context(), wait); err != nil {
				return nil, err
			}
		}
		resp, err := next.RoundTrip(req)
		if err == nil {
			b.observe(resp)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// wait is how long the next request must wait; it spends one request.
func (b *RateBudget) wait() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.remaining < 0 || now.After(b.reset) {
		return 0 // no window known, or it has reset
	}
	floor := int(b.Reserve * float64(b.limit))
	if b.remaining > floor {
		b.remaining--
		return 0
	}
	return b.reset.Sub(now)
}

func (b *RateBudget) observe(resp *http.Response) {
	limit, err1 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	reset, err3 := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.limit, b.remaining, b.reset = limit, remaining, time.Unix(reset, 0)
}
