package daemon

import (
	"context"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/report"
)

// backend is the daemon as the HTTP API sees it.
type backend struct{ d *Daemon }

func (b backend) Ready() bool { return b.d.ready.Load() }

func (b backend) Token() string { return b.d.config().Server.Token.Reveal() }

func (b backend) Run(target, trigger string) (report.TargetResult, error) {
	return b.d.Run(b.d.baseCtx, target, trigger)
}

func (b backend) RunAll(trigger string) *report.Report { return b.d.runAll(b.d.baseCtx, trigger) }

// Status is every configured target's last stored result, open episode,
// next scheduled run and running run.
func (b backend) Status(context.Context) ([]api.TargetStatus, error) {
	d := b.d
	last, err := d.store.LastResults()
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	cfg, c, entries, runner := d.cfg, d.cron, d.entries, d.runner
	d.mu.RUnlock()
	out := []api.TargetStatus{}
	for _, t := range cfg.Targets {
		st := api.TargetStatus{TargetResult: report.TargetResult{Name: t.Name, Status: "pending", Findings: []checks.Finding{}, Errors: []report.ObservationError{}}}
		if r, ok := last[t.Name]; ok {
			st.TargetResult = r
		}
		if ep, ok, _ := d.store.Episode(t.Name); ok {
			since := ep.FirstSeen
			st.DriftSince = &since
		}
		if id, ok := entries[t.Name]; ok {
			if next := c.Entry(id).Next; !next.IsZero() {
				st.NextRun = &next
			}
		}
		st.RunningRun = runner.runningID(t.Name)
		out = append(out, st)
	}
	return out, nil
}
