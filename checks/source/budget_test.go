package source

import (
	"net/http"
	"testing"
	"time"
)

func TestRateBudgetHoldsRequestsAtTheReserve(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewRateBudget(0.5)
	b.now = func() time.Time { return now }
	if w := b.wait(); w != 0 {
		t.Fatalf("no window known yet: wait %s", w)
	}
	h := http.Header{}
	h.Set("X-Rate-Limit-Limit", "10")
	h.Set("X-Rate-Limit-Remaining", "6")
	h.Set("X-Rate-Limit-Reset", "1030")
	b.observe(&http.Response{Header: h})
	if w := b.wait(); w != 0 {
		t.Fatalf("6 left above a floor of 5: wait %s", w)
	}
	if w := b.wait(); w != 30*time.Second {
		t.Fatalf("at the floor the request waits for the reset, got %s", w)
	}
	now = now.Add(31 * time.Second)
	if w := b.wait(); w != 0 {
		t.Fatalf("after the reset: wait %s", w)
	}
}
