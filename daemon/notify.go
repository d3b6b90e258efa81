package daemon

import (
	"context"
	"log/slog"
)

// Notifier tells people about a target's result. The daemon calls it after
// every run; deciding whether a message is due is the notifier's business.
type Notifier interface {
	Notify(ctx context.Context, res *TargetResult)
}

// LogNotifier writes alerts to the log when no Slack is configured.
type LogNotifier struct {
	Log *slog.Logger
}

// Notify logs one line per error finding of a drifting target.
func (n *LogNotifier) Notify(_ context.Context, res *TargetResult) {
	if res.Status != StatusDrift {
		return
	}
	for _, f := range res.Findings {
		if f.Severity != "error" {
			continue
		}
		n.Log.Warn("drift", "target", res.Name, "check", f.Check, "field", f.Field,
			"expected", f.Expected, "actual", f.Actual, "missing", f.Missing, "extra", f.Extra, "fixable", f.Fixable, "fix", f.Message)
	}
}
