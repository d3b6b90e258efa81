package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketCursors holds each Okta org's System Log cursor. It is created on
// first use, so stores from before change events need no migration.
var bucketCursors = []byte("cursors")

// LogCursor is where an org's System Log follower resumes: Okta's opaque
// `after` value, the `since` its polling began with, and when it was saved
// (a cursor older than Okta's 90-day retention is no longer worth resuming).
type LogCursor struct {
	Since time.Time `json:"since"`
	After string    `json:"after,omitempty"`
	Saved time.Time `json:"saved"`
}

// LogCursor returns org's saved cursor; ok is false when there is none.
func (s *Store) LogCursor(org string) (c LogCursor, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCursors)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(org))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &c)
	})
	if err != nil {
		return LogCursor{}, false, fmt.Errorf("reading the System Log cursor of %s: %w", org, err)
	}
	return c, ok, nil
}

// SaveLogCursor stores org's cursor.
func (s *Store) SaveLogCursor(org string, c LogCursor) error {
	v, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding the System Log cursor of %s: %w", org, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCursors)
		if err != nil {
			return err
		}
		return b.Put([]byte(org), v)
	})
	if err != nil {
		return fmt.Errorf("saving the System Log cursor of %s: %w", org, err)
	}
	return nil
}
