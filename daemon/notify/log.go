package notify

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/driftd/driftd/daemon/store"
)

// LogSender is the sink without Slack: the same messages, in the log.
type LogSender struct {
	Log *slog.Logger
}

// Send logs the message's text.
func (l *LogSender) Send(_ context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	l.Log.Warn("alert", "target", it.Target, "kind", it.Kind, "text", it.Text, "blocks", json.RawMessage(it.Blocks))
	return store.Root{}, nil
}
