package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/driftd/driftd/daemon/report"
)

// Store is driftd's embedded state in state_dir/driftd.db (bbolt): each
// target's last result, open drift episodes, remediation backoff and a
// bounded history of runs. bbolt's copy-on-write pages keep the file
// readable after a crash at any point, and its file lock keeps a second
// driftd off the same state_dir.
type Store struct {
	db        *bolt.DB
	retention int
	loosened  fs.FileMode
}

const schemaVersion = 3

var (
	bucketMeta     = []byte("meta")
	bucketResults  = []byte("results")
	bucketEpisodes = []byte("episodes")
	bucketRuns     = []byte("runs")
	bucketBackoff  = []byte("backoff")
	bucketAlerts   = []byte("alerts")
	bucketOutbox   = []byte("outbox")
	bucketRoots    = []byte("roots")
)

// ErrStateDirInUse is returned when another driftd holds the store.
var ErrStateDirInUse = errors.New("another driftd is using this state_dir")

// OpenStore opens (creating if needed) the store and migrates its schema.
// A damaged file is an error that names it, never a crash: bbolt panics
// (or faults on its memory map) on some corruptions, so opening, migrating
// and a full consistency check run under recover.
func OpenStore(dir string, retention int) (*Store, error) {
	loose, err := prepareStateDir(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "driftd.db")
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		return nil, fmt.Errorf("store %s is empty (0 bytes), so its history, drift episodes and alert state are lost: %w; "+
			"if that is acceptable, move it aside (mv %s %s.empty) and driftd starts a fresh store", path, ErrCorrupt, path, path)
	}
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	// Batches wait at most 2ms for company: enough to share an fsync
	// between the runs of a busy schedule, little added to one reconcile.
	db.MaxBatchDelay = 2 * time.Millisecond
	s := &Store{db: db, retention: retention, loosened: loose}
	if s.retention <= 0 {
		s.retention = 1000
	}
	if err := guard(path, s.check); err != nil {
		db.Close()
		return nil, err
	}
	if err := guard(path, s.migrate); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating store %s to schema %d: %w", path, schemaVersion, err)
	}
	return s, nil
}

// ErrCorrupt marks a store file driftd cannot use as it is.
var ErrCorrupt = errors.New("the store file is damaged or not a driftd store")

func openBolt(path string) (db *bolt.DB, err error) {
	err = guard(path, func() error {
		var oerr error
		db, oerr = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		return oerr
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("opening %s: %w (stop it, or give this one its own state_dir)", path, ErrStateDirInUse)
	}
	switch {
	case err == nil, errors.Is(err, ErrCorrupt):
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		err = fmt.Errorf("opening store %s: %w: %w; restore it from a backup, or move it aside (mv %s %s.bad) to start a fresh store",
			path, ErrCorrupt, err, path, path)
	default:
		err = fmt.Errorf("opening store %s: %w", path, err)
	}
	return db, err
}

// guard runs f, turning a bbolt panic or a fault on its memory map (a
// truncated file) into an error that names the file and what to do.
func guard(path string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reading store %s: %w (%v); restore it from a backup, or move it aside "+
				"(mv %s %s.bad) to start a fresh store", path, ErrCorrupt, p, path, path)
		}
	}()
	return f()
}

// check refuses a damaged file at start-up rather than by a fault in the
// middle of a run or a page view: verifyPages walks the tree in the
// file's bytes, then every key and value is read through bbolt, and
// bbolt's consistency check runs (only now: on a tree with a loop its
// recursion never ends, and it walks on a goroutine of its own, where a
// fault cannot be recovered).
func (s *Store) check() error {
	path := s.db.Path()
	damaged := func(what string) error {
		return fmt.Errorf("store %s is damaged: %s: %w; restore it from a backup, or move it aside (mv %s %s.bad) to start a fresh store",
			path, what, ErrCorrupt, path, path)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading store %s: %w", path, err)
	}
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Size() > int64(len(file)) {
			return damaged(fmt.Sprintf("it is %d bytes but its pages reach %d (was it truncated?)", len(file), tx.Size()))
		}
		if err := verifyPages(file); err != nil {
			return damaged(err.Error())
		}
		err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error { _, _ = crc32.ChecksumIEEE(k), crc32.ChecksumIEEE(v); return nil })
		})
		if err != nil {
			return damaged(err.Error())
		}
		for cerr := range tx.Check() {
			if err == nil {
				err = damaged(cerr.Error())
			}
		}
		return err
	})
}

// prepareStateDir creates state_dir 0700, or tightens an existing one whose
// mode lets others in; it returns the loose mode it replaced, if any.
func prepareStateDir(dir string) (fs.FileMode, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return 0, fmt.Errorf("creating state_dir %s: %w", dir, err)
		}
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reading state_dir %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return 0, fmt.Errorf("state_dir %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return 0, nil
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return 0, fmt.Errorf("tightening state_dir %s to 0700 (it holds saved plans and their var files): %w", dir, err)
	}
	return fi.Mode().Perm(), nil
}

// Loosened returns the mode state_dir had before OpenStore tightened it to
// 0700, or 0 when it was already private; the caller logs it.
func (s *Store) Loosened() fs.FileMode { return s.loosened }

// migrate brings the schema to schemaVersion, one step at a time.
func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		v := 0
		if b := meta.Get([]byte("schema")); b != nil {
			_ = json.Unmarshal(b, &v)
		}
		if v > schemaVersion {
			return fmt.Errorf("store schema %d is newer than this driftd (%d): upgrade driftd", v, schemaVersion)
		}
		if v < 1 {
			for _, b := range [][]byte{bucketResults, bucketEpisodes, bucketRuns, bucketBackoff} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
		}
		if v < 2 {
			// v2: Slack alert state and the durable outbox.
			for _, b := range [][]byte{bucketAlerts, bucketOutbox, bucketRoots} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
		}
		if v < 3 {
			// v3: run keys at a fixed width, so history sorts by time.
			if err := rekeyRuns(tx.Bucket(bucketRuns)); err != nil {
				return fmt.Errorf("re-keying the run history: %w", err)
			}
		}
		return meta.Put([]byte("schema"), []byte(fmt.Sprint(schemaVersion)))
	})
}

// rekeyRuns rewrites every run under its current runKey.
func rekeyRuns(b *bolt.Bucket) error {
	type entry struct{ old, new, value []byte }
	var moves []entry
	err := b.ForEach(func(k, v []byte) error {
		var r RunRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("run %q: %w", k, err)
		}
		if nk := runKey(r); !bytes.Equal(nk, k) {
			moves = append(moves, entry{append([]byte(nil), k...), nk, append([]byte(nil), v...)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := b.Delete(m.old); err != nil {
			return err
		}
		if err := b.Put(m.new, m.value); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Episode is an open drift episode of a target.
type Episode struct {
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	Fingerprint string    `json:"fingerprint"`
}

// RunRecord is one run in the history.
type RunRecord struct {
	ID       string              `json:"id"`
	Trigger  string              `json:"trigger"`
	Started  time.Time           `json:"started"`
	Duration time.Duration       `json:"duration"`
	Result   report.TargetResult `json:"result"`
}

// Record saves a run's result, updates the target's drift episode and trims
// the history to the retention bound, in one transaction.
func (s *Store) Record(run RunRecord) (Episode, bool, error) {
	var ep Episode
	var open bool
	// Batch folds concurrent runs' writes into one transaction and one
	// fsync; the function may run again if a batch is retried, so it only
	// sets, never accumulates, what it returns.
	err := s.db.Batch(func(tx *bolt.Tx) error {
		ep, open = Episode{}, false
		res := run.Result
		data, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketResults).Put([]byte(res.Name), data); err != nil {
			return err
		}
		eps := tx.Bucket(bucketEpisodes)
		switch res.Status {
		case report.StatusDrift:
			if b := eps.Get([]byte(res.Name)); b != nil {
				_ = json.Unmarshal(b, &ep)
			} else {
				ep.FirstSeen = res.ObservedAt
			}
			ep.LastSeen = res.ObservedAt
			ep.Fingerprint = report.FindingsFingerprint(res.Findings)
			open = true
			b, _ := json.Marshal(ep)
			if err := eps.Put([]byte(res.Name), b); err != nil {
				return err
			}
		case report.StatusOK:
			if err := eps.Delete([]byte(res.Name)); err != nil {
				return err
			}
		default:
			// An unreadable source neither opens nor closes an episode.
			if b := eps.Get([]byte(res.Name)); b != nil {
				_ = json.Unmarshal(b, &ep)
				open = true
			}
		}
		runs := tx.Bucket(bucketRuns)
		rb, _ := json.Marshal(run)
		key := runKey(run)
		if runs.Get(key) == nil {
			if err := s.addRunCount(tx, 1); err != nil {
				return err
			}
		}
		if err := runs.Put(key, rb); err != nil {
			return err
		}
		// The count lives in meta, so trimming never walks the bucket.
		for n := s.runCount(tx); n > s.retention; n-- {
			k, _ := runs.Cursor().First()
			if k == nil {
				break
			}
			if err := runs.Delete(k); err != nil {
				return err
			}
			if err := s.addRunCount(tx, -1); err != nil {
				return err
			}
		}
		return nil
	})
	return ep, open, err
}

func (s *Store) runCount(tx *bolt.Tx) int {
	b := tx.Bucket(bucketMeta).Get([]byte("runs"))
	if b == nil {
		// A store from before the counter: count once.
		return tx.Bucket(bucketRuns).Stats().KeyN
	}
	var n int
	_ = json.Unmarshal(b, &n)
	return n
}

func (s *Store) addRunCount(tx *bolt.Tx, delta int) error {
	n := s.runCount(tx) + delta
	return tx.Bucket(bucketMeta).Put([]byte("runs"), []byte(fmt.Sprint(n)))
}

// LastResults returns each target's last result.
func (s *Store) LastResults() (map[string]report.TargetResult, error) {
	out := map[string]report.TargetResult{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketResults).ForEach(func(k, v []byte) error {
			var r report.TargetResult
			if err := json.Unmarshal(v, &r); err != nil {
				return nil // a result from another version is not worth failing for
			}
			out[string(k)] = r
			return nil
		})
	})
	return out, err
}

// Episode returns a target's open drift episode.
func (s *Store) Episode(target string) (Episode, bool, error) {
	var ep Episode
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketEpisodes).Get([]byte(target)); b != nil {
			ok = true
			return json.Unmarshal(b, &ep)
		}
		return nil
	})
	return ep, ok, err
}

// RunCount returns how many runs the history holds.
func (s *Store) RunCount() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketRuns).Stats().KeyN
		return nil
	})
	return n, err
}

// Runs returns the history, oldest first.
func (s *Store) Runs() ([]RunRecord, error) {
	var out []RunRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRuns).ForEach(func(_, v []byte) error {
			var r RunRecord
			if json.Unmarshal(v, &r) == nil {
				out = append(out, r)
			}
			return nil
		})
	})
	return out, err
}

// Backoffs returns every target's saved remediation backoff.
func (s *Store) Backoffs() (map[string]Backoff, error) {
	out := map[string]Backoff{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBackoff).ForEach(func(k, v []byte) error {
			var st Backoff
			if json.Unmarshal(v, &st) == nil {
				out[string(k)] = st
			}
			return nil
		})
	})
	return out, err
}

// SaveBackoff stores a target's backoff; a zero state clears it.
func (s *Store) SaveBackoff(target string, st Backoff) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBackoff)
		if st.Failures == 0 {
			return b.Delete([]byte(target))
		}
		data, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return b.Put([]byte(target), data)
	})
}
