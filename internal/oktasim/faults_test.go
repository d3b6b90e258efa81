package oktasim_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/oktasim"
)

// Okta counts per bucket, in windows not aligned to the minute
// (okta-developer-docs reference/rate-limits: "a period may run from
// 12:00:20 to 12:01:19").
func TestRateLimitsArePerBucketInWindowsNotAlignedToTheMinute(t *testing.T) {
	sim := startSim(t, oktasim.Options{BucketLimits: map[string]int{"/api/v1/apps*": 2}})
	appID := wandbApp(t, sim)
	now := time.Date(2026, 12, 3, 12, 0, 20, 0, time.UTC)
	sim.SetClock(func() time.Time { return now })
	get := func(path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, sim.URL+path, nil)
		req.Header.Set("Authorization", "SSWS "+sim.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	reset := func(resp *http.Response) time.Time {
		n, _ := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
		return time.Unix(n, 0).UTC()
	}
	first := get("/api/v1/apps/" + appID + "/groups")
	if first.StatusCode != 200 || first.Header.Get("X-Rate-Limit-Limit") != "2" || first.Header.Get("X-Rate-Limit-Remaining") != "1" {
		t.Fatalf("first apps* request: %d %v", first.StatusCode, first.Header)
	}
	if got := reset(first); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("the window opened at 12:00:20 resets at %s, want 12:01:20", got)
	}
	get("/api/v1/apps/" + appID + "/groups")
	if resp := get("/api/v1/apps/" + appID + "/users"); resp.StatusCode != 429 {
		t.Errorf("the third apps* request in the window: %d, want 429", resp.StatusCode)
	}
	// Another bucket is untouched: the app by id, and /api/v1 (trusted
	// origins), each with its own window.
	now = now.Add(15 * time.Second)
	byID := get("/api/v1/apps/" + appID)
	if byID.StatusCode != 200 || byID.Header.Get("X-Rate-Limit-Remaining") != "599" || !reset(byID).Equal(now.Add(time.Minute)) {
		t.Errorf("the app by id: %d remaining %s reset %s", byID.StatusCode, byID.Header.Get("X-Rate-Limit-Remaining"), reset(byID))
	}
	if resp := get("/api/v1/trustedOrigins"); resp.StatusCode != 200 || resp.Header.Get("X-Rate-Limit-Remaining") != "599" {
		t.Errorf("trusted origins: %d remaining %s", resp.StatusCode, resp.Header.Get("X-Rate-Limit-Remaining"))
	}
	// At 12:01:00, a wall-clock minute later, the apps* window still runs.
	now = time.Date(2026, 12, 3, 12, 1, 0, 0, time.UTC)
	if resp := get("/api/v1/apps/" + appID + "/groups"); resp.StatusCode != 429 {
		t.Errorf("at 12:01:00 the window opened at 12:00:20 is still spent: %d", resp.StatusCode)
	}
	now = time.Date(2026, 12, 3, 12, 1, 20, 0, time.UTC)
	if resp := get("/api/v1/apps/" + appID + "/groups"); resp.StatusCode != 200 {
		t.Errorf("at 12:01:20 a new window opens: %d", resp.StatusCode)
	}
}
