package daemon

import (
	"context"
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
	run := func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); d.alerter.Run(ctx) }()
		go func() { defer wg.Done(); am.Run(ctx) }()
		wg.Wait()
	}
	return notifiers{d.alerter, am}, run
}
