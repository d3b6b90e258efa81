package source

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// appBucket is the bucket of GET /api/v1/apps/{id}.
const appBucket = "/api/v1/apps/{id}"

func TestRateBudgetHoldsRequestsAtTheReserve(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewRateBudget(0.5)
	b.Clock = nowFunc(func() time.Time { return now })
	if w, _ := b.wait(appBucket); w != 0 {
		t.Fatalf("no window known yet: wait %s", w)
	}
	h := http.Header{}
	h.Set("X-Rate-Limit-Limit", "10")
	h.Set("X-Rate-Limit-Remaining", "6")
	h.Set("X-Rate-Limit-Reset", "1030")
	b.observe(appBucket, &http.Response{Header: h})
	if w, _ := b.wait(appBucket); w != 0 {
		t.Fatalf("6 left above a floor of 5: wait %s", w)
	}
	if w, _ := b.wait(appBucket); w != 30*time.Second {
		t.Fatalf("at the floor the request waits for the reset, got %s", w)
	}
	now = now.Add(31 * time.Second)
	if w, _ := b.wait(appBucket); w != 0 {
		t.Fatalf("after the reset: wait %s", w)
	}
}

// nowFunc is a clock that only tells the time; nothing here sleeps on it.
type nowFunc func() time.Time

func (f nowFunc) Now() time.Time { return f() }

func (f nowFunc) Sleep(context.Context, time.Duration, <-chan struct{}) error {
	panic("the budget's wait is read, never slept, in this test")
}

// rateHeaders is an Okta answer's rate-limit trio with Okta's Date.
func rateHeaders(date time.Time, remaining int, reset string) http.Header {
	h := http.Header{}
	h.Set("Date", date.UTC().Format(http.TimeFormat))
	h.Set("X-Rate-Limit-Limit", "600")
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Rate-Limit-Reset", reset)
	return h
}

func TestRateBudgetNeverWaitsLongerThanItsCap(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	unix := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }
	tests := []struct {
		name string
		// okta is Okta's clock (Date), which may differ from ours.
		okta     time.Time
		reset    string
		wantWait time.Duration
	}{
		{"a reset 30 s ahead holds requests for 30 s", t0, unix(30 * time.Second), 30 * time.Second},
		{"a reset is read against Okta's Date, not our clock", t0.Add(time.Hour), strconv.FormatInt(t0.Add(time.Hour+20*time.Second).Unix(), 10), 20 * time.Second},
		{"a reset 10 minutes ahead holds requests only up to the cap", t0, unix(10 * time.Minute), time.Minute},
		{"a far-future reset is not waited on", t0, "32503680000", 0},
		{"an overflowing reset is not waited on", t0, "9223372036854775807", 0},
		{"a negative reset is not waited on", t0, "-9223372036854775808", 0},
		{"a reset before Okta's Date is not waited on", t0, unix(-100 * time.Second), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := t0
			b := NewRateBudget(0.1)
			b.MaxWait = time.Minute
			b.Clock = nowFunc(func() time.Time { return now })
			b.observe(appBucket, &http.Response{StatusCode: 429, Header: rateHeaders(tc.okta, 0, tc.reset)})
			if w, _ := b.wait(appBucket); w != tc.wantWait {
				t.Fatalf("wait = %s, want %s", w, tc.wantWait)
			}
		})
	}
}

func TestRateBudgetSendsAProbeAfterItsCap(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	b := NewRateBudget(0.1)
	b.MaxWait = time.Minute
	b.Clock = nowFunc(func() time.Time { return now })
	b.observe(appBucket, &http.Response{StatusCode: 429, Header: rateHeaders(now, 0, strconv.FormatInt(now.Add(50*time.Minute).Unix(), 10))})
	if w, _ := b.wait(appBucket); w != time.Minute {
		t.Fatalf("first wait = %s, want the 1m cap", w)
	}
	now = now.Add(time.Minute)
	if w, _ := b.wait(appBucket); w != 0 {
		t.Fatalf("after the cap the next request must go out as a probe, wait = %s", w)
	}
	if w, _ := b.wait(appBucket); w != time.Minute {
		t.Fatalf("the probe's answer is still due: the next wait = %s, want the cap", w)
	}
	// The probe's answer refreshes the window: the limit was lifted.
	b.observe(appBucket, &http.Response{StatusCode: 200, Header: rateHeaders(now, 599, strconv.FormatInt(now.Add(time.Minute).Unix(), 10))})
	if w, _ := b.wait(appBucket); w != 0 {
		t.Fatalf("after a fresh window: wait = %s", w)
	}
	if !b.limitedSince().IsZero() {
		t.Errorf("a 200 ends the rate limit, limitedSince = %s", b.limitedSince())
	}
}

func TestRateBudgetFailsARequestThatCannotWaitWithinItsDeadline(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		for k, v := range rateHeaders(time.Now(), 0, strconv.FormatInt(time.Now().Add(50*time.Second).Unix(), 10)) {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	b := NewRateBudget(0.1)
	client := &http.Client{Transport: b.Transport(nil)}
	get := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := get()
	var rl *RateLimitedError
	if !errors.As(err, &rl) || !strings.Contains(err.Error(), "rate limited since") {
		t.Fatalf("err = %v, want a RateLimitedError saying since when", err)
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("the request slept %s toward a wait it could never finish", took)
	}
	if calls.Load() != 1 {
		t.Errorf("requests = %d, want 1", calls.Load())
	}
}

func TestARequestHeldByTheBudgetWaitsForItsTurnUnderTheReadsDeadline(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		// The window is spent: the next request's turn comes in about 2 s,
		// longer than one attempt's 300 ms timeout.
		for k, v := range rateHeaders(time.Now(), 0, strconv.FormatInt(time.Now().Add(2*time.Second).Unix(), 10)) {
			w.Header()[k] = v
		}
	}))
	defer srv.Close()
	b := NewRateBudget(0.1)
	client := &http.Client{Transport: NewRetryTransport(b.Transport(nil), testPolicy, nil)}
	for i := range 2 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
		resp.Body.Close()
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("requests = %d, want 2 (the held one sent once, after its turn)", n)
	}
}
