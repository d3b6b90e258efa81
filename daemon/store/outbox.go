package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

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
	// Notifier names the notifier that delivers the item: "" is Slack or
	// the log (as before the field existed), else e.g. "alertmanager".
	Notifier string `json:"notifier,omitempty"`
	// Tried is set before a post goes out whose success the notifier can
	// look up afterwards (notify.Finder): the post may have landed though
	// driftd never heard the answer (a crash, a timeout).
	Tried bool `json:"tried,omitempty"`
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

// Root returns an episode's root message, if delivered.
func (s *Store) Root(target, episode string) (Root, bool) {
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

// Delivered removes an item and, for a root message (posted, or posted
// anew by an update or a reply), remembers where it is.
func (s *Store) Delivered(it OutboxItem, root Root) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		// An update or a reply may have posted the root anew (the old
		// one was deleted): the episode's replies then go to the new one.
		if root.TS != "" {
			b, _ := json.Marshal(root)
			if err := tx.Bucket(bucketRoots).Put([]byte(it.Target+"\x00"+it.Episode), b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketOutbox).Delete(seqKey(it.Seq))
	})
}

// Reschedule saves an item's new attempt count and time.
func (s *Store) Reschedule(it OutboxItem) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		data, err := json.Marshal(it)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Put(seqKey(it.Seq), data)
	})
}
