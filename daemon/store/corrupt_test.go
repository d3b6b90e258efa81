package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// pageSize is bbolt's page size on this machine (os.Getpagesize at
// creation); the flips below are placed relative to its pages.
var pageSize = os.Getpagesize()

// realStore writes a store the way a daemon fills it: many runs of a
// few targets, drift episodes, backoff and alert state, and closes it.
func realStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenStore(dir, 400)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		target := fmt.Sprintf("t%d", i%7)
		status := []string{report.StatusOK, report.StatusDrift, report.StatusError}[i%3]
		res := report.TargetResult{Name: target, Status: status, ObservedAt: time.Unix(int64(1e9+i), 0).UTC(),
			Findings: []checks.Finding{{Check: "okta.redirect_uris", Target: target, Severity: "error", Message: "a redirect URI is missing"}}}
		if _, _, err := s.Record(RunRecord{ID: fmt.Sprintf("%s-%d", target, i), Trigger: "schedule", Started: res.ObservedAt, Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveBackoff("t1", Backoff{Failures: 2, Until: time.Unix(2e9, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveLogCursor("https://acme.okta.com", LogCursor{Since: time.Unix(1e9, 0)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return filepath.Join(dir, "driftd.db")
}

// flipOffsets is a fixed set of bits across every page of a file of n
// bytes: each page's header (id, flags, count, overflow) and the first
// elements' flags, positions and sizes, where one flipped bit sends a
// read out of the page or out of the file.
func flipOffsets(n int) [][2]int {
	var out [][2]int
	inPage := []int{0, 8, 10, 12, 15} // id, flags, count, overflow (low and high byte)
	for e := range 4 {                // leaf element: flags 0-3, pos 4-7, ksize 8-11, vsize 12-15; branch: pos 0-3, ksize 4-7
		at := 16 + 16*e
		inPage = append(inPage, at+1, at+3, at+5, at+7, at+9, at+13, at+14)
	}
	for p := 2; (p+1)*pageSize <= n; p++ {
		for i, o := range inPage {
			out = append(out, [2]int{p*pageSize + o, 1 << ((p + i) % 8)})
		}
	}
	// Every tenth keeps the test short and still reaches every page.
	var some [][2]int
	for i := 0; i < len(out); i += 10 {
		some = append(some, out[i])
	}
	return some
}

// readAll asks the store everything the daemon's API and alerters ask.
func readAll(s *Store) {
	_, _ = s.LastResults()
	_, _, _ = s.Episode("t1")
	_, _ = s.Runs()
	_, _ = s.RunCount()
	_, _ = s.Backoffs()
	_, _ = s.Outbox()
	_, _ = s.Alert("t1")
	_, _ = s.Root("t1", "e")
	_, _, _ = s.LogCursor("https://acme.okta.com")
	for before := ""; ; {
		page, err := s.History(HistoryQuery{Before: before, Limit: 50})
		if err != nil || page.Next == "" || page.Next == before {
			break
		}
		before = page.Next
	}
	_, _ = s.History(HistoryQuery{Target: "t3", Limit: 500})
}

// A flipped bit anywhere must never crash the daemon: either the store is
// refused at open with an error naming the file and the way out, or every
// read of it works (its answers may be wrong, never a fault).
func TestBitFlipsAcrossARealStoreAreRefusedAtOpenOrReadSafely(t *testing.T) {
	path := realStore(t)
	clean, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	offsets := flipOffsets(len(clean))
	if len(offsets) < 300 {
		t.Fatalf("only %d offsets in a %d-byte store: the store is too small to test", len(offsets), len(clean))
	}
	refused := 0
	for _, f := range offsets {
		dir := t.TempDir()
		b := append([]byte(nil), clean...)
		b[f[0]] ^= byte(f[1])
		if err := os.WriteFile(filepath.Join(dir, "driftd.db"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := OpenStore(dir, 400)
		if err != nil {
			refused++
			if !errors.Is(err, ErrCorrupt) && !strings.Contains(err.Error(), dir) {
				t.Errorf("flip %#x at %d: refused without naming the damage: %v", f[1], f[0], err)
			}
			continue
		}
		readAll(s)
		s.Close()
	}
	t.Logf("%d of %d single-bit flips refused at open", refused, len(offsets))
}
