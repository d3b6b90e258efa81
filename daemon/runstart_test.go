package daemon

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/internal/fixture"
)

// A run that queues for a slot (concurrency 1, another target running)
// starts when it gets the slot: its recorded start and duration leave the
// queueing out, so the history's order is the order runs really ran in and
// the duration metric is the run's own.
func TestARunQueuedForASlotStartsWhenItGetsIt(t *testing.T) {
	f := fixture.New(t, "a", "b")
	f.WriteConfig(strings.Replace(f.Body, "okta:\n", "concurrency: 1\nokta:\n  events: {poll: 0s}\n", 1))
	base, stop := startDaemon(t, f)
	defer stop()
	waitStartup(t, base)
	hold := holdNextOktaRequest(t, f)
	done := make(chan int, 2)
	go func() {
		c, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"a"}`)
		done <- c
	}()
	waitHeld(t, hold) // a holds the only slot, inside Okta
	go func() {
		c, _ := fixture.Call(t, "POST", base+"/v1/reconcile", apiToken, `{"target":"b"}`)
		done <- c
	}()
	// b holds its target (its run id is shown) while it waits for the slot.
	waitStatus(t, base, "b to queue for the slot", func(s statusTarget) bool { return s.Name != "b" || s.RunningRun != "" })
	queued := time.Now()
	hold.Release()
	for range 2 {
		if c := <-done; c != 200 {
			t.Fatalf("reconcile = %d", c)
		}
	}
	runs := map[string]api.Run{}
	_, body := fixture.Call(t, "GET", base+"/v1/runs?limit=10", apiToken, "")
	var page api.RunsPage
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("GET /v1/runs: %v: %s", err, body)
	}
	for _, r := range page.Runs {
		if r.Trigger == "api" {
			runs[r.Target] = r
		}
	}
	a, b := runs["a"], runs["b"]
	if a.ID == "" || b.ID == "" {
		t.Fatalf("the two API runs are not both in the history: %s", body)
	}
	aEnd := a.Started.Add(time.Duration(a.DurationSeconds * float64(time.Second)))
	if b.Started.Before(queued) || b.Started.Before(aEnd.Add(-time.Millisecond)) {
		t.Errorf("b started %s, before it had the slot (it queued from before %s; a ran %s to %s)",
			b.Started.Format(time.RFC3339Nano), queued.Format(time.RFC3339Nano), a.Started.Format(time.RFC3339Nano), aEnd.Format(time.RFC3339Nano))
	}
	if page.Runs[0].ID != b.ID {
		t.Errorf("b, which ran last, is not first in the newest-first history: %s", body)
	}
}
