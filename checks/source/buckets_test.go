package source

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
)

func TestOktaBucketFollowsOktasManagementBuckets(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/api/v1/apps/0oa1", "/api/v1/apps/{id}"},
		{"GET", "/api/v1/apps/0oa1/groups", "/api/v1/apps*"},
		{"GET", "/api/v1/apps/0oa1/users", "/api/v1/apps*"},
		{"GET", "/api/v1/apps", "/api/v1/apps*"},
		{"GET", "/api/v1/groups", "/api/v1/groups"},
		{"GET", "/api/v1/groups/00g1", "/api/v1/groups/{id}"},
		{"GET", "/api/v1/logs", "/api/v1/logs"},
		{"GET", "/api/v1/trustedOrigins", "/api/v1"},
		{"GET", "/api/v1/authorizationServers/aus1/policies", "/api/v1"},
		{"POST", "/oauth2/v1/token", "/oauth2/v1/token"},
	} {
		if got := OktaBucket(tc.method, tc.path); got != tc.want {
			t.Errorf("%s %s: bucket %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// An exhausted bucket holds only its own requests: a spent /api/v1/apps*
// window (assignment lists) neither holds app reads by id nor the System
// Log, and an answer from another bucket never refreshes it.
func TestRateBudgetKeepsOneWindowPerBucket(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	b := NewRateBudget(0.1)
	b.Clock = nowFunc(func() time.Time { return now })
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	h := rateHeaders(now, 0, reset(40*time.Second))
	h.Set("X-Rate-Limit-Limit", "100")
	b.observe("/api/v1/apps*", &http.Response{StatusCode: 200, Header: h})
	b.observe("/api/v1", &http.Response{StatusCode: 200, Header: rateHeaders(now, 1100, reset(25*time.Second))})
	if w, _ := b.wait("/api/v1/apps*"); w != 40*time.Second {
		t.Errorf("the spent apps* bucket: wait %s, want its own reset in 40s", w)
	}
	for _, other := range []string{"/api/v1/apps/{id}", "/api/v1/logs", "/api/v1"} {
		if w, _ := b.wait(other); w != 0 {
			t.Errorf("%s waits %s for the apps* bucket", other, w)
		}
	}
	b.observe("/api/v1/logs", &http.Response{StatusCode: 429, Header: rateHeaders(now, 0, reset(10*time.Second))})
	if b.limitedSince() != now {
		t.Errorf("a 429 from the System Log bucket: limitedSince %s", b.limitedSince())
	}
	b.observe("/api/v1/apps/{id}", &http.Response{StatusCode: 200, Header: rateHeaders(now, 500, reset(time.Minute))})
	if b.limitedSince() != now {
		t.Error("an app read's 200 ended the System Log bucket's 429")
	}
}

// Against the simulator's per-bucket windows: the app's assignment lists
// spend the /api/v1/apps* bucket down to the reserve, and the app read by
// id (its own bucket) still goes out at once. With one window per org the
// apps* answer held it until the reset, a minute away, and a read that
// cannot wait that long failed.
func TestASpentAssignmentsBucketDoesNotHoldTheAppRead(t *testing.T) {
	sim, err := oktasim.Start(oktasim.Options{BucketLimits: map[string]int{"/api/v1/apps*": 4}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	sim.PutApp(oktasim.NewWandbApp("0oa1", "0oa1client", "https://wandb.acme.com", true))
	budget := NewRateBudget(0.5)
	r, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: sim.URL, Token: sim.Token, Retry: testPolicy, Transport: budget.Transport(nil)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := r.AppGroups(context.Background(), "0oa1"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.App(ctx, "0oa1"); err != nil {
		t.Fatalf("the app read by id waited for the assignments bucket: %v", err)
	}
	if _, err := r.AppGroups(ctx, "0oa1"); err == nil || !strings.Contains(err.Error(), "rate-limit window") {
		t.Errorf("the spent apps* bucket let a third list through: %v", err)
	}
}
