package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy bounds how often and how long a read is retried. Only what is
// worth retrying is: 429 (honouring X-Rate-Limit-Reset or Retry-After), 5xx
// and transport failures such as timeouts and dropped connections. 4xx other
// than 429 is an answer, not an outage, and returns at once.
type RetryPolicy struct {
	// Attempts is the most requests made for one read, the first included.
	Attempts int
	// AttemptTimeout bounds one request; without it a dropped connection
	// would hang the pass.
	AttemptTimeout time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff after a 5xx or a
	// transport failure.
	BaseDelay, MaxDelay time.Duration
	// MaxRateLimitWait is the longest driftd waits for a rate limit to reset;
	// a longer reset ends the read with an error instead.
	MaxRateLimitWait time.Duration
}

// DefaultRetryPolicy suits a scheduled drift check: a pass finishes within
// about a minute even when Okta is unwell.
var DefaultRetryPolicy = RetryPolicy{
	Attempts:         4,
	AttemptTimeout:   10 * time.Second,
	BaseDelay:        250 * time.Millisecond,
	MaxDelay:         5 * time.Second,
	MaxRateLimitWait: 30 * time.Second,
}

// RateLimitedError reports a 429 that outlasted the retries.
type RateLimitedError struct {
	Attempts int
	Reset    time.Time
}

func (e *RateLimitedError) Error() string {
	if e.Reset.IsZero() {
		return fmt.Sprintf("rate limited (429) after %d attempts", e.Attempts)
	}
	return fmt.Sprintf("rate limited (429) after %d attempts; the limit resets at %s", e.Attempts, e.Reset.UTC().Format(time.RFC3339))
}

// ResponseObserver is told about every answer received, retried or not, so
// metrics and the shared rate-limit budget see all traffic.
type ResponseObserver func(req *http.Request, resp *http.Response, err error)

// retryTransport applies a RetryPolicy to idempotent requests.
type retryTransport struct {
	next    http.RoundTripper
	policy  RetryPolicy
	observe ResponseObserver
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
}

// NewRetryTransport wraps next (nil means http.DefaultTransport) with policy.
func NewRetryTransport(next http.RoundTripper, policy RetryPolicy, observe ResponseObserver) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if policy.Attempts < 1 {
		policy.Attempts = 1
	}
	return &retryTransport{next: next, policy: policy, observe: observe, now: time.Now, sleep: sleepCtx}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return t.attempt(req)
	}
	ctx := req.Context()
	var lastReset time.Time
	for n := 1; ; n++ {
		resp, err := t.attempt(req)
		last := n >= t.policy.Attempts
		var wait time.Duration
		switch {
		case err != nil:
			if !retryableErr(ctx, err) {
				return nil, err
			}
			if last {
				// %v, not %w: the Okta SDK retries any error wrapping io.EOF
				// without limit, which would spin on a dropped connection.
				return nil, fmt.Errorf("no answer after %d attempts: %v", n, err)
			}
			wait = t.backoff(n)
		case resp.StatusCode == http.StatusTooManyRequests:
			wait, lastReset = t.rateLimitWait(resp)
			drain(resp)
			if last || wait > t.policy.MaxRateLimitWait {
				return nil, &RateLimitedError{Attempts: n, Reset: lastReset}
			}
		case resp.StatusCode >= 500:
			if last {
				return resp, nil
			}
			drain(resp)
			wait = t.backoff(n)
		default:
			return resp, nil
		}
		if dl, ok := ctx.Deadline(); ok && t.now().Add(wait).After(dl) {
			if err != nil {
				return nil, fmt.Errorf("no answer after %d attempts: %v", n, err)
			}
			return nil, fmt.Errorf("giving up after %d attempts: the next retry would pass the deadline", n)
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt makes one request under the per-attempt timeout. The body stays
// readable after return because the timeout is released only when it closes.
func (t *retryTransport) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	if t.policy.AttemptTimeout > 0 {
		ctx, cancel = context.WithTimeout(req.Context(), t.policy.AttemptTimeout)
	}
	resp, err := t.next.RoundTrip(req.Clone(ctx))
	if t.observe != nil {
		t.observe(req, resp, err)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.policy.BaseDelay << (attempt - 1)
	if d > t.policy.MaxDelay || d <= 0 {
		d = t.policy.MaxDelay
	}
	// Full jitter keeps many targets from retrying in lockstep.
	return d/2 + rand.N(d/2+1)
}

// rateLimitWait reads how long Okta asks us to wait. Okta sends
// X-Rate-Limit-Reset as a Unix time and Date as its own clock, so the wait is
// their difference, which is immune to skew between our clock and Okta's.
func (t *retryTransport) rateLimitWait(resp *http.Response) (time.Duration, time.Time) {
	if reset, err := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64); err == nil {
		resetAt := time.Unix(reset, 0)
		now := t.now()
		if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
			now = date
		}
		wait := resetAt.Sub(now) + time.Second
		if wait < 0 {
			wait = 0
		}
		return wait, resetAt
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		return time.Duration(secs) * time.Second, t.now().Add(time.Duration(secs) * time.Second)
	}
	return t.policy.MaxDelay, time.Time{}
}

func retryableErr(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false // our caller gave up; retrying would outlive it
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
