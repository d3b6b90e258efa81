package daemon

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/api"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
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
	cfg, c, runner := d.cfg, d.cron, d.runner
	// A copy: reschedule edits the map in place under d.mu (one cron for
	// the daemon's life), so reading it after RUnlock raced a reload
	// (TestConcurrentReloadsReconcilesAndStatusReadsAgree, -race).
	entries := maps.Clone(d.entries)
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
		// The status page links what the Slack alert links.
		if t.Okta.AppID != "" {
			st.OktaAppURL = slack.OktaAdminAppURL(cfg.Okta.OrgURL, cfg.Okta.AdminURL, t.Okta.AppID)
		}
		st.WandbURL = slack.WandbAdminURL(t.Wandb.URL)
		out = append(out, st)
	}
	return out, nil
}

// TargetStatus is one configured target's status.
func (b backend) TargetStatus(ctx context.Context, target string) (api.TargetStatus, error) {
	all, err := b.Status(ctx)
	if err != nil {
		return api.TargetStatus{}, err
	}
	for _, st := range all {
		if st.Name == target {
			return st, nil
		}
	}
	return api.TargetStatus{}, &config.UnknownTargetError{Name: target}
}

// Runs is a page of the store's run history.
func (b backend) Runs(_ context.Context, q api.RunsQuery) (api.RunsPage, error) {
	if _, ok := b.d.config().Target(q.Target); q.Target != "" && !ok {
		return api.RunsPage{}, &config.UnknownTargetError{Name: q.Target}
	}
	page, err := b.d.store.History(store.HistoryQuery{Target: q.Target, Before: q.Before, Limit: q.Limit})
	if errors.Is(err, store.ErrBadCursor) {
		return api.RunsPage{}, &api.QueryError{Param: "before", Reason: store.ErrBadCursor.Error()}
	}
	if err != nil {
		return api.RunsPage{}, fmt.Errorf("reading the run history: %w", err)
	}
	out := api.RunsPage{Runs: make([]api.Run, 0, len(page.Runs)), Next: page.Next}
	for _, r := range page.Runs {
		out.Runs = append(out.Runs, api.Run{ID: r.ID, Target: r.Result.Name, Trigger: r.Trigger, Started: r.Started,
			DurationSeconds: r.Duration.Seconds(), Result: r.Result})
	}
	return out, nil
}

// Reload re-reads the config through the SIGHUP path.
func (b backend) Reload(context.Context) (api.ReloadResult, error) {
	// The reload outlives the request: the new schedule runs on the
	// daemon's context, not the client's.
	return b.d.reloadConfig(b.d.baseCtx)
}
