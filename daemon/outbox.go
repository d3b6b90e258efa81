package daemon

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
	bolt "go.etcd.io/bbolt"
)

// Outbox operations.
const (
	OpPostRoot   = "post_root"   // the episode's first message
	OpUpdateRoot = "update_root" // chat.update of the root message
	OpReply      = "reply"       // a reply in the root's thread
)

// OutboxItem is one message waiting to be delivered. Items are kept in the
// store until Slack accepts them, so neither an outage nor a restart loses
// one, and they go out in order per target.
type OutboxItem struct {
	Seq         uint64          `json:"seq"`
	Target      string          `json:"target"`
	Episode     string          `json:"episode"`
	Kind        string          `json:"kind"`
	Op          string          `json:"op"`
	Text        string          `json:"text"`
	Blocks      json.RawMessage `json:"blocks"`
	Created     time.Time       `json:"created"`
	Attempts    int             `json:"attempts"`
	NextAttempt time.Time       `json:"next_attempt"`
	LastError   string          `json:"last_error,omitempty"`
}

// Root locates an episode's root message.
type Root struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

func seqKey(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// Alert returns a target's alert state.
func (s *Store) Alert(target string) (AlertState, error) {
	var st AlertState
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketAlerts).Get([]byte(target)); b != nil {
			return json.Unmarshal(b, &st)
		}
		return nil
	})
	return st, err
}

// CommitAlert saves the next alert state and queues its messages in one
// transaction: either both happen or neither.
func (s *Store) CommitAlert(target string, next AlertState, items []OutboxItem) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := json.Marshal(next)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketAlerts).Put([]byte(target), b); err != nil {
			return err
		}
		ob := tx.Bucket(bucketOutbox)
		for _, it := range items {
			seq, err := ob.NextSequence()
			if err != nil {
				return err
			}
			it.Seq = seq
			data, err := json.Marshal(it)
			if err != nil {
				return err
			}
			if err := ob.Put(seqKey(seq), data); err != nil {
				return err
			}
		}
		return nil
	})
}

// Outbox returns the queued items in order.
func (s *Store) Outbox() ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
			var it OutboxItem
			if err := json.Unmarshal(v, &it); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	})
	return out, err
}

// root returns an episode's root message, if delivered.
func (s *Store) root(target, episode string) (Root, bool) {
	var r Root
	ok := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRoots).Get([]byte(target + "\x00" + episode)); b != nil {
			ok = json.Unmarshal(b, &r) == nil
		}
		return nil
	})
	return r, ok
}

// delivered removes an item and, for a root message, remembers where it is.
func (s *Store) delivered(it OutboxItem, root Root) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if it.Op == OpPostRoot && root.TS != "" {
			b, _ := json.Marshal(root)
			if err := tx.Bucket(bucketRoots).Put([]byte(it.Target+"\x00"+it.Episode), b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketOutbox).Delete(seqKey(it.Seq))
	})
}

func (s *Store) reschedule(it OutboxItem) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		data, err := json.Marshal(it)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Put(seqKey(it.Seq), data)
	})
}

// Sender delivers one outbox item; for a root post it returns where the
// message landed.
type Sender interface {
	Send(ctx context.Context, it OutboxItem, root Root) (Root, error)
}

// deliverer drains the outbox: in order per target, with backoff after a
// failure (Retry-After on 429), never dropping an item.
type deliverer struct {
	store  *Store
	sender Sender
	log    *slog.Logger
	now    func() time.Time
	base   time.Duration
	max    time.Duration
	wake   chan struct{}
}

func newDeliverer(store *Store, sender Sender, log *slog.Logger) *deliverer {
	return &deliverer{store: store, sender: sender, log: log, now: time.Now, base: 2 * time.Second, max: 5 * time.Minute, wake: make(chan struct{}, 1)}
}

func (d *deliverer) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run delivers until ctx ends. With nothing queued it sleeps until poked,
// so an idle daemon does no work between passes.
func (d *deliverer) run(ctx context.Context) {
	for {
		_, next := d.flush(ctx)
		var timer *time.Timer
		var due <-chan time.Time
		if !next.IsZero() {
			timer = time.NewTimer(max(next.Sub(d.now()), 50*time.Millisecond))
			due = timer.C
		}
		select {
		case <-ctx.Done():
		case <-due:
		case <-d.wake:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// flush tries every due item once; a target whose head item fails waits,
// so its later messages never overtake it. It returns how many were sent
// and when the earliest remaining item is due (zero when none remain).
func (d *deliverer) flush(ctx context.Context) (int, time.Time) {
	items, err := d.store.Outbox()
	if err != nil {
		d.log.Error("reading the outbox", "err", err)
		return 0, d.now().Add(d.base)
	}
	blocked := map[string]bool{}
	sent := 0
	var next time.Time
	later := func(at time.Time) {
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	for _, it := range items {
		if blocked[it.Target] || ctx.Err() != nil {
			continue
		}
		if d.now().Before(it.NextAttempt) {
			blocked[it.Target] = true
			later(it.NextAttempt)
			continue
		}
		root, _ := d.store.root(it.Target, it.Episode)
		if it.Op != OpPostRoot && root.TS == "" && d.needsRoot() {
			// The root was never delivered (it cannot be: it comes first),
			// so post this one on its own rather than lose it.
			it.Op = OpPostRoot
		}
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		got, err := d.sender.Send(sctx, it, root)
		cancel()
		if err != nil {
			it.Attempts++
			it.LastError = err.Error()
			it.NextAttempt = d.now().Add(d.retryAfter(err, it.Attempts))
			blocked[it.Target] = true
			later(it.NextAttempt)
			if rerr := d.store.reschedule(it); rerr != nil {
				d.log.Error("rescheduling alert", "err", rerr)
			}
			d.log.Warn("alert delivery failed; will retry", "target", it.Target, "kind", it.Kind, "attempt", it.Attempts, "next", it.NextAttempt, "err", err)
			continue
		}
		if err := d.store.delivered(it, got); err != nil {
			d.log.Error("recording a delivered alert", "err", err)
			blocked[it.Target] = true
			later(d.now().Add(d.base))
			continue
		}
		sent++
	}
	return sent, next
}

func (d *deliverer) needsRoot() bool {
	_, ok := d.sender.(*slackSender)
	return ok
}

// retryAfter honours Slack's Retry-After on 429 and otherwise backs off
// exponentially; an error Slack will not get over by itself (invalid_auth,
// channel_not_found) waits the longest, still without dropping the item.
func (d *deliverer) retryAfter(err error, attempts int) time.Duration {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter
	}
	wait := d.base << min(attempts-1, 20)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		wait = d.max
	}
	if wait > d.max || wait <= 0 {
		wait = d.max
	}
	return wait
}

// slackSender posts with a bot token: roots, updates and thread replies.
type slackSender struct {
	client  *slack.Client
	channel string
}

func (s *slackSender) Send(ctx context.Context, it OutboxItem, root Root) (Root, error) {
	var blocks slack.Blocks
	if err := json.Unmarshal(it.Blocks, &blocks); err != nil {
		return Root{}, fmt.Errorf("decoding queued blocks: %w", err)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(it.Text, false), slack.MsgOptionBlocks(blocks.BlockSet...)}
	switch it.Op {
	case OpUpdateRoot:
		_, _, _, err := s.client.UpdateMessageContext(ctx, root.Channel, root.TS, opts...)
		return root, err
	case OpReply:
		opts = append(opts, slack.MsgOptionTS(root.TS))
		_, _, err := s.client.PostMessageContext(ctx, root.Channel, opts...)
		return root, err
	}
	ch, ts, err := s.client.PostMessageContext(ctx, s.channel, opts...)
	return Root{Channel: ch, TS: ts}, err
}

// webhookSender posts through an incoming webhook, which can only post.
// The webhook URL is itself a secret, so errors never carry it.
type webhookSender struct {
	url    string
	client *http.Client
}

func (w *webhookSender) Send(ctx context.Context, it OutboxItem, _ Root) (Root, error) {
	var blocks slack.Blocks
	if err := json.Unmarshal(it.Blocks, &blocks); err != nil {
		return Root{}, fmt.Errorf("decoding queued blocks: %w", err)
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, w.url, w.client, &slack.WebhookMessage{Text: it.Text, Blocks: &blocks})
	var uerr *url.Error
	if errors.As(err, &uerr) {
		// Keep the cause (and whether it is a timeout), drop the URL.
		return Root{}, &webhookError{err: uerr.Err}
	}
	return Root{}, err
}

type webhookError struct{ err error }

func (e *webhookError) Error() string { return "posting to the Slack webhook: " + e.err.Error() }
func (e *webhookError) Unwrap() error { return e.err }

// logSender is the sink without Slack: the same messages, in the log.
type logSender struct {
	log *slog.Logger
}

func (l *logSender) Send(_ context.Context, it OutboxItem, _ Root) (Root, error) {
	l.log.Warn("alert", "target", it.Target, "kind", it.Kind, "text", it.Text, "blocks", json.RawMessage(it.Blocks))
	return Root{}, nil
}
