package source

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// maxResetAhead is the furthest X-Rate-Limit-Reset driftd believes. Okta's
// windows are a minute long (developer.okta.com, "Rate limits overview":
// limits are per minute); a reset hours ahead, before Okta's own Date, or
// past the int64 range is a broken answer, not a reason to stop reading.
const maxResetAhead = time.Hour

// DefaultRateLimitMaxWait is how long the budget holds a request at most
// before sending it anyway, as a probe whose answer refreshes the window.
const DefaultRateLimitMaxWait = time.Minute

// resetWait reads how long Okta asks to wait until its window resets. Okta
// sends X-Rate-Limit-Reset as a Unix time and Date as its own clock, so the
// wait is their difference, immune to skew between our clock and Okta's. It
// reports false for a missing or absurd reset (see maxResetAhead).
func resetWait(h http.Header, now time.Time) (time.Duration, bool) {
	reset, err := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err != nil {
		return 0, false
	}
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		date = now
	}
	// Whole seconds in int64 before any time.Time arithmetic, which would
	// overflow on a reset near the int64 range.
	ahead := reset - date.Unix()
	if reset < date.Unix() || ahead > int64(maxResetAhead/time.Second) {
		return 0, false
	}
	return time.Duration(ahead) * time.Second, true
}

// RateBudget shares one Okta org's rate limits between all targets, one
// window per bucket: Okta counts requests per bucket, a family of endpoints
// with its own quota and its own window (OktaBucket). It reads
// X-Rate-Limit-Limit/Remaining/Reset from every answer into the bucket of
// the request answered and, once a bucket's remaining requests fall to the
// reserved share, holds further requests to that bucket until its window
// resets, so driftd slows down before Okta has to say 429 and the org's
// other integrations keep their share; an answer from one bucket never
// changes what another said. It never holds a request longer than MaxWait:
// then the request goes out as a probe, whose answer refreshes the window
// (only an answer can). The first answer from a bucket other than 429 ends
// every hold on that bucket at once: the requests it held go out then, not
// when their timers would have let them.
type RateBudget struct {
	// Reserve is the share of the limit (0-1) left to others.
	Reserve float64
	// MaxWait caps one hold; zero means DefaultRateLimitMaxWait. It is the
	// probe interval of a long rate limit.
	MaxWait time.Duration
	// Clock is what holds wait on; nil means the wall clock.
	Clock Clock

	mu      sync.Mutex
	buckets map[string]*window
}

// window is what Okta last said of one bucket.
type window struct {
	limit     int
	remaining int
	reset     time.Time // on our clock
	lastSent  time.Time
	since     time.Time // first 429 of the current run of them
	// answered is closed, and replaced, by every answer from the bucket
	// other than 429: it wakes the requests held for it.
	answered chan struct{}
	// probe lets the next request out at once: the bucket was answering
	// 429 when another bucket of the org answered normally again.
	probe bool
}

// NewRateBudget returns a budget reserving share of the org's limits.
func NewRateBudget(reserve float64) *RateBudget {
	return &RateBudget{Reserve: reserve, buckets: map[string]*window{}}
}

func (b *RateBudget) now() time.Time { return clockOr(b.Clock).Now() }

func (b *RateBudget) bucket(name string) *window {
	w, ok := b.buckets[name]
	if !ok {
		w = &window{remaining: -1, answered: make(chan struct{})}
		b.buckets[name] = w
	}
	return w
}

// Transport wraps next so every request waits for its bucket's budget. A
// request whose deadline comes before its turn fails at once with a
// RateLimitedError rather than sleeping toward a wait it cannot finish.
func (b *RateBudget) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		bucket := OktaBucket(req.Method, req.URL.Path)
		if err := b.hold(req.Context(), bucket); err != nil {
			return nil, err
		}
		resp, err := next.RoundTrip(req)
		if err == nil {
			b.observe(bucket, resp)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (b *RateBudget) maxWait() time.Duration {
	if b.MaxWait > 0 {
		return b.MaxWait
	}
	return DefaultRateLimitMaxWait
}

// hold waits for the request's turn in its bucket: until the window
// resets, the cap lets it out as a probe, or an answer other than 429 comes
// back from the bucket (then it asks again, as the window has changed).
// Deadlines are the request's, on the wall clock.
func (b *RateBudget) hold(ctx context.Context, bucket string) error {
	for {
		wait, answered := b.wait(bucket)
		if wait <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return b.heldError(bucket, wait, answered)
		}
		if err := clockOr(b.Clock).Sleep(ctx, wait, answered); err != nil {
			return err
		}
	}
}

// wait is how long the next request to a bucket must wait, and the channel
// an answer from the bucket closes; a request not told to wait spends one
// request of the bucket.
func (b *RateBudget) wait(bucket string) (time.Duration, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.bucket(bucket)
	now := b.now()
	floor := int(b.Reserve * float64(w.limit))
	switch {
	case w.remaining < 0 || !now.Before(w.reset):
		// No window known, or it has reset.
	case w.remaining > floor:
		w.remaining--
	case w.probe:
		// The org answers again elsewhere: one request asks this bucket.
		w.probe = false
	case now.Sub(w.lastSent) >= b.maxWait():
		// Nothing went out for a whole cap: this request is the probe.
	default:
		return min(w.reset.Sub(now), b.maxWait()-now.Sub(w.lastSent)), w.answered
	}
	w.lastSent = now
	return 0, w.answered
}

// heldError is the error of a request not sent: its turn comes after wait,
// or when answered closes.
func (b *RateBudget) heldError(bucket string, wait time.Duration, answered <-chan struct{}) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &RateLimitedError{Since: b.bucket(bucket).since, Reset: b.now().Add(wait), Held: true, answered: answered}
}

func (b *RateBudget) observe(bucket string, resp *http.Response) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.bucket(bucket)
	now := b.now()
	w.lastSent = now // an answer: the window is as fresh as it gets
	if resp.StatusCode == http.StatusTooManyRequests {
		if w.since.IsZero() {
			w.since = now
		}
	} else {
		w.since = time.Time{}
		// Okta answers again: whatever the headers say, every request held
		// for this bucket asks for its turn anew.
		close(w.answered)
		w.answered = make(chan struct{})
		// A bucket still in a run of 429s sends one probe now rather than
		// after its cap: its own answer then says whether it is limited.
		// Otherwise a long limit that ended (eight 429s with a reset an
		// hour ahead) kept every other bucket's reads held for a whole
		// probe interval after Okta answered normally
		// (TestReadsResumeWithinOneProbeIntervalOfOktasFirstNormalAnswer).
		for _, other := range b.buckets {
			if other != w && !other.since.IsZero() && !other.probe {
				other.probe = true
				close(other.answered)
				other.answered = make(chan struct{})
			}
		}
	}
	limit, err1 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	if err1 != nil || err2 != nil {
		return
	}
	ahead, ok := resetWait(resp.Header, now)
	if !ok {
		// An absurd reset is no window at all: nothing is held for it.
		w.remaining = -1
		return
	}
	w.limit, w.remaining, w.reset = limit, remaining, now.Add(ahead)
}
