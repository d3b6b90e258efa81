package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/driftd/driftd/daemon/config"
)

// TestRunsMayStartWhileShutdownWaits: a background run (an approval, a
// replan) may start while shutdown already waits for the runs. With a
// WaitGroup that panicked ("WaitGroup is reused before previous Wait has
// returned") in 1 of about 6 loaded runs of the daemon's tests.
func TestRunsMayStartWhileShutdownWaits(t *testing.T) {
	cfg := &config.Config{Concurrency: 4}
	r, err := NewRunner(t.Context(), &Engine{cfg: cfg}, slog.New(slog.NewTextHandler(io.Discard, nil)), RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// One run holds the count up while waiters block on it; the run ends
	// and the next starts at once, as a replan right after an approval.
	_, done, err := r.start(ctx, "t-first", "approval")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2000 {
		var waiters sync.WaitGroup
		for range 3 {
			waiters.Add(1)
			go func() { defer waiters.Done(); r.Wait(ctx) }()
		}
		runtime.Gosched()
		done()
		_, next, err := r.start(ctx, fmt.Sprintf("t%d", round), "replan")
		if err != nil {
			t.Fatal(err)
		}
		done = next
		done()
		waiters.Wait()
		if _, done, err = r.start(ctx, fmt.Sprintf("u%d", round), "replan"); err != nil {
			t.Fatal(err)
		}
	}
	done()
	r.Wait(ctx)
	if ctx.Err() != nil {
		t.Fatal("Wait did not return once every run had ended")
	}
}

// TestAWaitWokenByTheLastRunOutlivesTheNextRunsStart reaches the state the
// test above only hopes for: shutdown's Wait is parked on the count (the
// bubble's synctest.Wait says every goroutine is blocked) when the last
// run ends and, before the woken Wait is scheduled, the next run starts.
// On one P the woken goroutine runs only when this one blocks, so the
// next start always comes first. The WaitGroup the count replaced
// panicked here every time ("WaitGroup is reused before previous Wait has
// returned"; commit 13c91f4).
func TestAWaitWokenByTheLastRunOutlivesTheNextRunsStart(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	synctest.Test(t, func(t *testing.T) {
		cfg := &config.Config{Concurrency: 4}
		r, err := NewRunner(t.Context(), &Engine{cfg: cfg}, slog.New(slog.NewTextHandler(io.Discard, nil)), RunnerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Halt()
		_, done, err := r.start(t.Context(), "first", "approval")
		if err != nil {
			t.Fatal(err)
		}
		waited := make(chan struct{})
		go func() { r.Wait(t.Context()); close(waited) }()
		synctest.Wait() // Wait is parked on the count
		done()
		_, next, err := r.start(t.Context(), "replan", "replan")
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-waited:
		case <-t.Context().Done():
			t.Fatal("Wait never returned")
		}
		next()
		r.Wait(t.Context())
	})
}
