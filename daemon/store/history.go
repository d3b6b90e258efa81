package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrBadCursor is returned for a `before` that is neither a cursor from a
// previous page nor an RFC 3339 time.
var ErrBadCursor = errors.New("not a cursor from a previous page nor an RFC 3339 time")

// HistoryQuery selects a page of the run history, newest first.
type HistoryQuery struct {
	// Target keeps only that target's runs; empty means every target.
	Target string
	// Before is the Next of a previous page, or an RFC 3339 time: only runs
	// started before it. Empty starts at the newest run.
	Before string
	// Limit is the most runs returned (at least 1).
	Limit int
}

// HistoryPage is one page of runs, newest first.
type HistoryPage struct {
	Runs []RunRecord
	// Next is the Before of the following page; empty on the last page.
	Next string
}

// History returns a page of the stored runs, newest first. A cursor names
// the last run of a page by its key, so pages stay put while new runs are
// recorded; trimming only ever drops the oldest runs.
func (s *Store) History(q HistoryQuery) (HistoryPage, error) {
	page := HistoryPage{Runs: []RunRecord{}}
	if q.Limit < 1 {
		q.Limit = 1
	}
	key, before, err := parseBefore(q.Before)
	if err != nil {
		return page, fmt.Errorf("reading before=%q: %w", q.Before, err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRuns).Cursor()
		k, v := startBefore(c, key)
		for ; k != nil; k, v = c.Prev() {
			var r RunRecord
			if json.Unmarshal(v, &r) != nil || (q.Target != "" && r.Result.Name != q.Target) {
				continue
			}
			if !before.IsZero() && !r.Started.Before(before) {
				continue
			}
			if len(page.Runs) == q.Limit {
				// One more run matches: there is a next page.
				page.Next = encodeCursor(lastKey(page.Runs))
				return nil
			}
			page.Runs = append(page.Runs, r)
		}
		return nil
	})
	return page, err
}

// startBefore positions c on the newest key strictly before key (the
// newest key of all when key is nil).
func startBefore(c *bolt.Cursor, key []byte) ([]byte, []byte) {
	if key == nil {
		return c.Last()
	}
	k, _ := c.Seek(key)
	if k == nil {
		return c.Last()
	}
	return c.Prev()
}

// runKeyLayout writes a start time at a fixed width, so the runs bucket's
// byte order is time order: RFC 3339 with its trailing zeros trimmed sorts
// 12:00:02Z after 12:00:02.5Z ('Z' > '.') and .5Z after .51Z.
const runKeyLayout = "2006-01-02T15:04:05.000000000Z"

// runKey is a run's key in the runs bucket: its start time, then its id.
func runKey(r RunRecord) []byte {
	return []byte(r.Started.UTC().Format(runKeyLayout) + "/" + r.ID)
}

func lastKey(runs []RunRecord) []byte { return runKey(runs[len(runs)-1]) }

func encodeCursor(key []byte) string { return base64.RawURLEncoding.EncodeToString(key) }

// parseBefore reads a cursor (a run key) or a time.
func parseBefore(before string) ([]byte, time.Time, error) {
	if before == "" {
		return nil, time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, before); err == nil {
		return nil, t, nil
	}
	key, err := base64.RawURLEncoding.DecodeString(before)
	if err != nil {
		return nil, time.Time{}, ErrBadCursor
	}
	started, id, ok := bytes.Cut(key, []byte("/"))
	if !ok || len(id) == 0 {
		return nil, time.Time{}, ErrBadCursor
	}
	if _, err := time.Parse(time.RFC3339Nano, string(started)); err != nil {
		return nil, time.Time{}, ErrBadCursor
	}
	return key, time.Time{}, nil
}
