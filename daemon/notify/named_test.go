package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/store"
)

// recordingSender records what it was given; fail makes every send fail.
type recordingSender struct {
	name string
	fail bool
	mu   sync.Mutex
	got  []string
}

func (r *recordingSender) Send(_ context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return store.Root{}, errors.New("service down")
	}
	r.got = append(r.got, it.Notifier+":"+it.Text)
	return store.Root{}, nil
}

// namedSender is a recordingSender that names its notifier.
type namedSender struct{ recordingSender }

func (n *namedSender) Notifier() string { return n.name }

func TestEachNotifierDrainsOnlyItsOwnItems(t *testing.T) {
	st, err := store.OpenStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	items := []store.OutboxItem{
		{Target: "prod", Kind: AlertNew, Op: store.OpPostRoot, Text: "slack-1", Created: now},
		{Target: "prod", Kind: AlertNew, Op: store.OpPostRoot, Text: "am-1", Created: now, Notifier: "alertmanager"},
		{Target: "prod", Kind: AlertReminder, Op: store.OpReply, Text: "slack-2", Created: now},
	}
	if err := st.CommitAlert("prod", store.AlertState{Open: true}, items); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	am := &namedSender{recordingSender{name: "alertmanager", fail: true}}
	if sent, _ := NewDeliverer(st, am, log, Clock{}).Flush(context.Background()); sent != 0 {
		t.Fatalf("a failing Alertmanager sent %d", sent)
	}
	slack := &recordingSender{}
	sent, _ := NewDeliverer(st, slack, log, Clock{}).Flush(context.Background())
	t.Run("Slack's items go out although Alertmanager's head item failed", func(t *testing.T) {
		if sent != 2 || len(slack.got) != 2 || slack.got[0] != ":slack-1" || slack.got[1] != ":slack-2" {
			t.Errorf("slack got %v (sent %d), want its two items in order", slack.got, sent)
		}
	})
	t.Run("Alertmanager's item stays queued for Alertmanager", func(t *testing.T) {
		left, err := st.Outbox()
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].Notifier != "alertmanager" || left[0].Attempts != 1 {
			t.Errorf("outbox = %+v, want only the Alertmanager item, tried once", left)
		}
	})
}
