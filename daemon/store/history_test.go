package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
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
