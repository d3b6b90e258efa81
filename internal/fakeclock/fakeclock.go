// Package fakeclock is a clock that moves only when a test moves it, for
// the waits of checks/source (the rate budget, the retries): an hour-long
// rate limit plays out in no time, and a test can see who is waiting.
// It implements source.Clock without importing it, and imports nothing of
// driftd.
package fakeclock

import (
	"context"
	"sync"
	"time"
)

// Clock is a fake clock. The zero value is not usable: call New.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeper map[*sleeper]struct{}
}

type sleeper struct {
	until time.Time
	done  chan struct{}
}

// New returns a clock reading t.
func New(t time.Time) *Clock {
	return &Clock{now: t, sleeper: map[*sleeper]struct{}{}}
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep waits until the clock has moved d ahead, ctx ends or wake closes.
func (c *Clock) Sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	s := &sleeper{until: c.now.Add(d), done: make(chan struct{})}
	c.sleeper[s] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.sleeper, s)
		c.mu.Unlock()
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
		return nil
	case <-s.done:
		return nil
	}
}

// Sleepers is how many goroutines are sleeping on the clock.
func (c *Clock) Sleepers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleeper)
}

// Next is when the earliest sleeper wakes; false when nobody sleeps.
func (c *Clock) Next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next time.Time
	for s := range c.sleeper {
		if next.IsZero() || s.until.Before(next) {
			next = s.until
		}
	}
	return next, !next.IsZero()
}

// Set moves the clock to t (never backwards) and wakes the sleepers due.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	for s := range c.sleeper {
		if !s.until.After(c.now) {
			select {
			case <-s.done:
			default:
				close(s.done)
			}
		}
	}
}

// Advance moves the clock d ahead and wakes the sleepers due.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }
