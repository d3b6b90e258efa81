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
	"sync"
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
	// Clock is what the waits run on; nil means the wall clock.
	Clock Clock
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

// RateLimitedError reports a 429 that outlasted the retries, or a request
// the rate budget held past its deadline.
type RateLimitedError struct {
	Attempts int
	// Since is when Okta began answering 429 (zero: unknown).
	Since time.Time
	// Reset is when the limit is expected to lift, on our clock (zero:
	// unknown); for a held request, when its turn comes.
	Reset time.Time
	// Held is true when the request was never sent: driftd's own budget
	// held it for a window that resets after the request's deadline.
	Held bool
	// answered, for a held request, closes when Okta answers another
	// request with anything but 429: its turn may have come.
	answered <-chan struct{}
}

func (e *RateLimitedError) Error() string {
	msg := "rate limited (429)"
	switch {
	case e.Held && e.Since.IsZero():
		// No 429 yet: driftd's own budget keeps the reserved share free.
		msg = "Okta's rate-limit window is spent down to driftd's reserve"
	case !e.Since.IsZero():
		msg = "rate limited since " + e.Since.UTC().Format(time.RFC3339) + " (429)"
	}
	if e.Held {
		msg += "; not sent: Okta's window resets after this read's deadline"
	} else {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	switch {
	case e.Reset.IsZero():
	case e.Held:
		msg += "; next try at " + e.Reset.UTC().Format(time.RFC3339)
	default:
		msg += "; the limit resets at " + e.Reset.UTC().Format(time.RFC3339)
	}
	return msg
}

// ResponseObserver is told about every answer received, retried or not, so
// metrics and the shared rate-limit budget see all traffic.
type ResponseObserver func(req *http.Request, resp *http.Response, err error)

// retryTransport applies a RetryPolicy to idempotent requests.
type retryTransport struct {
	next    http.RoundTripper
	policy  RetryPolicy
	observe ResponseObserver
	clock   Clock

	mu    sync.Mutex
	since time.Time // first 429 of the current run of them
}

// NewRetryTransport wraps next (nil means http.DefaultTransport) with policy.
func NewRetryTransport(next http.RoundTripper, policy RetryPolicy, observe ResponseObserver) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if policy.Attempts < 1 {
		policy.Attempts = 1
	}
	return &retryTransport{next: next, policy: policy, observe: observe, clock: clockOr(policy.Clock)}
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
		var held *RateLimitedError
		var wake <-chan struct{}
		switch {
		case errors.As(err, &held) && held.Held:
			// The rate budget held this attempt past its timeout: wait for
			// its turn here, under the read's deadline instead, or until
			// Okta answers another request.
			wait, wake = held.Reset.Sub(t.clock.Now()), held.answered
			if last || wait > t.policy.MaxRateLimitWait {
				return nil, err
			}
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
			wait, lastReset = t.rateLimitWait(resp, n)
			drain(resp)
			if last || wait > t.policy.MaxRateLimitWait {
				return nil, &RateLimitedError{Attempts: n, Since: t.limitedSince(), Reset: lastReset}
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
		// The deadline is on the wall clock whatever t.clock is.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			if held != nil {
				return nil, held
			}
			if err != nil {
				return nil, fmt.Errorf("no answer after %d attempts: %v", n, err)
			}
			return nil, fmt.Errorf("giving up after %d attempts: the next retry would pass the deadline", n)
		}
		if err := t.clock.Sleep(ctx, wait, wake); err != nil {
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
	// WithContext, not Clone: nothing below changes the request, and a
	// deep copy of its headers per attempt was a pass's allocation.
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	t.limited(resp)
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

// rateLimitWait reads how long Okta asks us to wait after a 429: its
// X-Rate-Limit-Reset against its Date, else Retry-After, else (missing or
// absurd) the backoff of attempt n, so a broken header never means retrying
// at once nor waiting forever.
func (t *retryTransport) rateLimitWait(resp *http.Response, n int) (time.Duration, time.Time) {
	now := t.clock.Now()
	if ahead, ok := resetWait(resp.Header, now); ok {
		wait := ahead + time.Second
		return wait, now.Add(wait)
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 && secs <= int(maxResetAhead/time.Second) {
		wait := time.Duration(secs) * time.Second
		return wait, now.Add(wait)
	}
	return t.backoff(n), time.Time{}
}

// limited records a 429 (since when Okta limits us) or its end.
func (t *retryTransport) limited(resp *http.Response) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case resp == nil:
	case resp.StatusCode != http.StatusTooManyRequests:
		t.since = time.Time{}
	case t.since.IsZero():
		t.since = t.clock.Now()
	}
}

func (t *retryTransport) limitedSince() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.since
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
