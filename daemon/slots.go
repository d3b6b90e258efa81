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
//
// Runs someone waits for (on demand, approvals, events) queue ahead of
// scheduled ones: a schedule that saturates the slots must not make a
// POST /v1/reconcile wait a whole pass. Each target is in line at most
// once, so neither line can grow past the number of targets.
type runSlots struct {
	mu      sync.Mutex
	limit   int
	busy    int
	urgent  []chan struct{} // FIFO, served first; a closed channel is a granted slot
	waiting []chan struct{} // FIFO
}

func newRunSlots(limit int) *runSlots { return &runSlots{limit: max(limit, 1)} }

// acquire waits for a slot, in the urgent line or the scheduled one, or
// returns ctx's error if ctx ends first.
func (s *runSlots) acquire(ctx context.Context, urgent bool) error {
	s.mu.Lock()
	if s.busy < s.limit && len(s.waiting) == 0 && len(s.urgent) == 0 {
		s.busy++
		s.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if urgent {
		s.urgent = append(s.urgent, ch)
	} else {
		s.waiting = append(s.waiting, ch)
	}
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
		s.urgent, s.waiting = without(s.urgent, ch), without(s.waiting, ch)
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

// grant hands free slots to the longest waiters, urgent ones first; s.mu
// is held.
func (s *runSlots) grant() {
	for s.busy < s.limit {
		line := &s.urgent
		if len(*line) == 0 {
			line = &s.waiting
		}
		if len(*line) == 0 {
			return
		}
		ch := (*line)[0]
		*line = (*line)[1:]
		s.busy++
		close(ch)
	}
}

// without returns line without ch.
func without(line []chan struct{}, ch chan struct{}) []chan struct{} {
	for i, w := range line {
		if w == ch {
			return append(line[:i], line[i+1:]...)
		}
	}
	return line
}
