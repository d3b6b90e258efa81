package daemon

import (
	"context"
	"sync"
)

// runSlots is the one bound on how many targets are observed at once
// (the config's concurrency), shared by scheduled, event, on-demand and
// approval runs. Slots are granted in the order they were asked for, and
// a target asks only while it holds its run lock, so each target waits in
// line at most once: a fleet's targets take turns, and a target whose run
// is still waiting is not queued a second time (its next firing is
// skipped as busy). Waiting costs a parked goroutine, not a socket.
type runSlots struct {
	mu      sync.Mutex
	limit   int
	busy    int
	waiting []chan struct{} // FIFO; a closed channel is a granted slot
}

func newRunSlots(limit int) *runSlots { return &runSlots{limit: max(limit, 1)} }

// acquire waits for a slot, or returns ctx's error if ctx ends first.
func (s *runSlots) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.busy < s.limit && len(s.waiting) == 0 {
		s.busy++
		s.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	s.waiting = append(s.waiting, ch)
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-ch:
		// Granted while giving up: pass the slot on.
		s.busy--
		s.grant()
	default:
		for i, w := range s.waiting {
			if w == ch {
				s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
				break
			}
		}
	}
	return ctx.Err()
}

// release returns a slot acquired with acquire.
func (s *runSlots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	s.grant()
}

// setLimit applies a reloaded concurrency; runs above a lowered limit
// finish, and no new one starts until the count is under it.
func (s *runSlots) setLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = max(n, 1)
	s.grant()
}

// counts returns the runs holding a slot and the runs waiting for one.
func (s *runSlots) counts() (busy, waiting int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy, len(s.waiting)
}

// grant hands free slots to the longest waiters; s.mu is held.
func (s *runSlots) grant() {
	for s.busy < s.limit && len(s.waiting) > 0 {
		ch := s.waiting[0]
		s.waiting = s.waiting[1:]
		s.busy++
		close(ch)
	}
}
