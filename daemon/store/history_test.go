package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	bolt "go.etcd.io/bbolt"
)

// historyOf records n runs alternating between targets a and b, one a
// second apart from t0, and returns the store.
func historyOf(t *testing.T, n int, t0 time.Time) *Store {
	t.Helper()
	s, err := OpenStore(t.TempDir(), 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i := range n {
		name := []string{"a", "b"}[i%2]
		started := t0.Add(time.Duration(i)*time.Second + time.Millisecond)
		run := RunRecord{ID: fmt.Sprintf("run%02d", i), Trigger: "schedule", Started: started,
			Result: report.TargetResult{Name: name, Status: report.StatusOK, ObservedAt: started}}
		if _, _, err := s.Record(run); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func ids(runs []RunRecord) string {
	out := ""
	for _, r := range runs {
		out += r.ID + " "
	}
	return out
}

func TestHistoryPagesNewestFirst(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	s := historyOf(t, 7, t0)
	tests := []struct {
		name  string
		query HistoryQuery
		want  string
		more  bool
	}{
		{"the first page holds the newest runs", HistoryQuery{Limit: 3}, "run06 run05 run04 ", true},
		{"a page as large as the history has no next page", HistoryQuery{Limit: 7}, "run06 run05 run04 run03 run02 run01 run00 ", false},
		{"a target keeps only its own runs", HistoryQuery{Target: "b", Limit: 2}, "run05 run03 ", true},
		{"a target with no runs is an empty page", HistoryQuery{Target: "zzz", Limit: 5}, "", false},
		{"a time cursor keeps runs started before it", HistoryQuery{Before: t0.Add(3 * time.Second).Format(time.RFC3339), Limit: 10}, "run02 run01 run00 ", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.History(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page.Runs); got != tc.want || (page.Next != "") != tc.more {
				t.Errorf("History(%+v) = %q next %q; want %q, next page %v", tc.query, got, page.Next, tc.want, tc.more)
			}
		})
	}
}

func TestHistoryCursorWalksEveryRunOnce(t *testing.T) {
	s := historyOf(t, 7, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC))
	var all, before string
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the cursor never reached the last page")
		}
		page, err := s.History(HistoryQuery{Target: "a", Before: before, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		all += ids(page.Runs)
		if page.Next == "" {
			break
		}
		before = page.Next
		// A run recorded meanwhile does not shift the following pages.
		if pages == 0 {
			late := RunRecord{ID: "late", Started: time.Now(), Result: report.TargetResult{Name: "a", Status: report.StatusOK}}
			if _, _, err := s.Record(late); err != nil {
				t.Fatal(err)
			}
		}
	}
	if want := "run06 run04 run02 run00 "; all != want {
		t.Errorf("paging target a = %q; want %q", all, want)
	}
}

func TestHistoryRefusesABadCursor(t *testing.T) {
	s := historyOf(t, 1, time.Now())
	for _, before := range []string{"not base64!", "bm8tc2xhc2g", "eWVzdGVyZGF5L3J1bg"} {
		t.Run("before="+before+" is refused", func(t *testing.T) {
			if _, err := s.History(HistoryQuery{Before: before, Limit: 1}); !errors.Is(err, ErrBadCursor) {
				t.Errorf("History(before=%q) error = %v; want ErrBadCursor", before, err)
			}
		})
	}
}

func TestHistoryIsInTimeOrderWhateverTheFractionOfASecond(t *testing.T) {
	s, err := OpenStore(t.TempDir(), 100)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 29, 1, 12, 2, 0, time.UTC)
	// An exact second, then .05 s, .5 s and .51 s later: trimmed RFC 3339
	// would sort them 02.05Z, 02.51Z, 02.5Z, 02Z.
	for i, d := range []time.Duration{0, 50 * time.Millisecond, 500 * time.Millisecond, 510 * time.Millisecond} {
		res := report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: t0.Add(d)}
		if _, _, err := s.Record(RunRecord{ID: fmt.Sprint("r", i), Started: t0.Add(d), Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.History(HistoryQuery{Target: "prod", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range page.Runs {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, ","); got != "r3,r2,r1,r0" {
		t.Fatalf("history newest first = %s, want r3,r2,r1,r0", got)
	}
}

func TestAnOlderStoresRunsAreReKeyedInTimeOrder(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "driftd.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 29, 1, 12, 2, 0, time.UTC)
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		if err := meta.Put([]byte("schema"), []byte("2")); err != nil {
			return err
		}
		for _, b := range [][]byte{bucketResults, bucketEpisodes, bucketRuns, bucketBackoff, bucketAlerts, bucketOutbox, bucketRoots} {
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		for i, d := range []time.Duration{0, 500 * time.Millisecond} {
			r := RunRecord{ID: fmt.Sprint("r", i), Started: t0.Add(d), Result: report.TargetResult{Name: "prod", Status: report.StatusOK}}
			v, _ := json.Marshal(r)
			// Schema 2 keyed runs by trimmed RFC 3339.
			if err := tx.Bucket(bucketRuns).Put([]byte(r.Started.Format(time.RFC3339Nano)+"/"+r.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := OpenStore(dir, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.History(HistoryQuery{Target: "prod", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Runs) != 2 || page.Runs[0].ID != "r1" {
		t.Fatalf("after migration the newest run is %+v, want r1 first of 2", page.Runs)
	}
}
