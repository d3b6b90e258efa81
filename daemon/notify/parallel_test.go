package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/store"
)

// gateSender holds every send until released, counting those in flight.
type gateSender struct {
	release chan struct{}

	mu       sync.Mutex
	inflight int
	peak     int
	order    map[string][]string
}

func (g *gateSender) Send(ctx context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	g.mu.Lock()
	g.inflight++
	g.peak = max(g.peak, g.inflight)
	g.order[it.Target] = append(g.order[it.Target], it.Text)
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inflight--; g.mu.Unlock() }()
	select {
	case <-g.release:
	case <-ctx.Done():
		return store.Root{}, ctx.Err()
	}
	return store.Root{}, nil
}

func (g *gateSender) counts() (inflight, peak int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inflight, g.peak
}

// A slow service must delay each target by its own posts only: ten
// targets' alerts go out in parallel, at most maxParallelTargets at once,
// and each target's in order.
func TestDeliveryIsParallelAcrossTargetsBoundedAndInOrderWithinOne(t *testing.T) {
	st, err := store.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i := range 10 {
		target := fmt.Sprintf("t%d", i)
		items := []store.OutboxItem{
			{Target: target, Kind: AlertNew, Op: store.OpPostRoot, Text: "first", Created: now},
			{Target: target, Kind: AlertChanged, Op: store.OpPostRoot, Text: "second", Created: now},
		}
		if err := st.CommitAlert(target, store.AlertState{Open: true}, items); err != nil {
			t.Fatal(err)
		}
	}
	g := &gateSender{release: make(chan struct{}), order: map[string][]string{}}
	d := NewDeliverer(st, g, slog.New(slog.NewTextHandler(io.Discard, nil)), Clock{})
	done := make(chan int, 1)
	go func() { n, _ := d.Flush(context.Background()); done <- n }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if inflight, _ := g.counts(); inflight >= maxParallelTargets {
			break
		}
		if time.Now().After(deadline) {
			inflight, _ := g.counts()
			t.Fatalf("%d sends in flight at most; want %d targets' posts at once", inflight, maxParallelTargets)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(g.release)
	if n := <-done; n != 20 {
		t.Fatalf("sent %d of 20", n)
	}
	if _, peak := g.counts(); peak > maxParallelTargets {
		t.Fatalf("%d sends at once, more than the bound %d", peak, maxParallelTargets)
	}
	for target, texts := range g.order {
		if fmt.Sprint(texts) != "[first second]" {
			t.Errorf("%s sent %v, want its items in order", target, texts)
		}
	}
}
