package daemon

import (
	"context"
	"fmt"
	"sync"

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

// startNotifiers builds the notifiers over st and returns them with a
// function that delivers their outboxes until its context ends.
func (d *Daemon) startNotifiers(st *store.Store) (Notifier, func(context.Context)) {
	am := alertmanager.NewAlerter(st, d.config, d.log, nil, notify.Clock{})
	// The outbox is the notifiers' queue, so its depth is registered here,
	// with the build info that every scrape of a running daemon carries.
	d.metrics.RegisterBuildInfo(BuildVersion())
	d.metrics.RegisterOutboxPending(func() (map[string]int, error) { return outboxDepth(st) })
	run := func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); d.alerter.Run(ctx) }()
		go func() { defer wg.Done(); am.Run(ctx) }()
		wg.Wait()
	}
	return notifiers{d.alerter, am}, run
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
