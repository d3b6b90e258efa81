package source

import (
	"net/http"
	"strconv"
	"testing"
	"time"
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
	b.now = func() time.Time { return now }
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	h := rateHeaders(now, 0, reset(40*time.Second))
	h.Set("X-Rate-Limit-Limit", "100")
	b.observe("/api/v1/apps*", &http.Response{StatusCode: 200, Header: h})
	b.observe("/api/v1", &http.Response{StatusCode: 200, Header: rateHeaders(now, 1100, reset(25*time.Second))})
	if w := b.wait("/api/v1/apps*"); w != 40*time.Second {
		t.Errorf("the spent apps* bucket: wait %s, want its own reset in 40s", w)
	}
	for _, other := range []string{"/api/v1/apps/{id}", "/api/v1/logs", "/api/v1"} {
		if w := b.wait(other); w != 0 {
			t.Errorf("%s waits %s for the apps* bucket", other, w)
		}
	}
	b.observe("/api/v1/logs", &http.Response{StatusCode: 429, Header: rateHeaders(now, 0, reset(10*time.Second))})
	if b.LimitedSince() != now {
		t.Errorf("a 429 from the System Log bucket: LimitedSince %s", b.LimitedSince())
	}
	b.observe("/api/v1/apps/{id}", &http.Response{StatusCode: 200, Header: rateHeaders(now, 500, reset(time.Minute))})
	if b.LimitedSince() != now {
		t.Error("an app read's 200 ended the System Log bucket's 429")
	}
}
