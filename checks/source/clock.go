package source

import (
	"context"
	"time"
)

// Clock is the time the rate budget and the retries read and wait on. The
// wall clock in production; a test swaps in a fake one, so an hour-long
// rate limit plays out without an hour of waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits d. It returns ctx's error when ctx ends first, and nil
	// at once when wake (which may be nil) is closed first.
	Sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) error
}

// WallClock is the real clock.
var WallClock Clock = wallClock{}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
		return nil
	case <-t.C:
		return nil
	}
}

// clockOr is c, or the wall clock when c is nil.
func clockOr(c Clock) Clock {
	if c == nil {
		return WallClock
	}
	return c
}
