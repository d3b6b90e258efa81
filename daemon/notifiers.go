package daemon

import (
	"context"
	"fmt"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/notify/alertmanager"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// notifiers tells every notifier about each result: Slack (or the log)
// and Alertmanager, which is inert while the config has no alertmanager
// section, so a reload can switch it on or off.
type notifiers []Notifier

// Notify hands res to each notifier in turn; each decides on its own state.
func (ns notifiers) Notify(ctx context.Context, t *config.Target, res *report.TargetResult) {
	for _, n := range ns {
		n.Notify(ctx, t, res)
	}
}

// startAlertmanager builds the Alertmanager notifier over st, registers
// the metrics every scrape of a running daemon carries (build info, outbox
// depth), and delivers its outbox until the returned stop is called.
func (d *Daemon) startAlertmanager(ctx context.Context, st *store.Store) (stop func()) {
	am := alertmanager.NewAlerter(st, d.config, d.log, nil, notify.Clock{})
	d.metrics.RegisterBuildInfo(BuildVersion())
	d.metrics.RegisterOutboxPending(func() (map[string]int, error) { return outboxDepth(st) })
	d.mu.Lock()
	d.am = am
	d.mu.Unlock()
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { am.Run(dctx); close(done) }()
	return func() { cancel(); <-done }
}

// outboxDepth counts the queued items by notifier; the unnamed items are
// Slack's (or the log's, without Slack).
func outboxDepth(st *store.Store) (map[string]int, error) {
	items, err := st.Outbox()
	if err != nil {
		return nil, fmt.Errorf("reading the outbox: %w", err)
	}
	counts := map[string]int{"slack": 0, alertmanager.Name: 0}
	for _, it := range items {
		name := it.Notifier
		if name == "" {
			name = "slack"
		}
		counts[name]++
	}
	return counts, nil
}
