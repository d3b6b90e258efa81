package api

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestBuildInfoAndOutboxGauges(t *testing.T) {
	counts := map[string]int{"slack": 2, "alertmanager": 1}
	var fail error
	m := NewMetrics()
	m.RegisterBuildInfo("v1.2.3")
	m.RegisterOutboxPending(func() (map[string]int, error) { return counts, fail })
	t.Run("build info is 1 with the version", func(t *testing.T) {
		want := "# HELP driftd_build_info A metric with a constant 1 labeled by driftd's version and the Go version it was built with.\n# TYPE driftd_build_info gauge\n"
		if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want+buildLine()), "driftd_build_info"); err != nil {
			t.Error(err)
		}
	})
	t.Run("the outbox depth is read at each scrape, by notifier", func(t *testing.T) {
		counts["slack"] = 5
		want := `# HELP driftd_outbox_pending Alerts queued in the outbox and not yet delivered, by notifier.
# TYPE driftd_outbox_pending gauge
driftd_outbox_pending{notifier="alertmanager"} 1
driftd_outbox_pending{notifier="slack"} 5
`
		if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "driftd_outbox_pending"); err != nil {
			t.Error(err)
		}
	})
	t.Run("an unreadable store reports no series rather than zero", func(t *testing.T) {
		fail = errors.New("store closed")
		if n, err := testutil.GatherAndCount(m.Registry, "driftd_outbox_pending"); err != nil || n != 0 {
			t.Errorf("%d series (err %v), want none", n, err)
		}
	})
}

func buildLine() string {
	return `driftd_build_info{goversion="` + runtime.Version() + `",version="v1.2.3"} 1` + "\n"
}
