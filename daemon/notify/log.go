package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/driftd/driftd/daemon/store"
)

// LogSender is the sink without Slack: the same messages, in the log, as
// text a person reads (the summary line and each finding), never as raw
// Block Kit JSON.
type LogSender struct {
	Log *slog.Logger
}

// Send logs the message's text and the text of its sections.
func (l *LogSender) Send(_ context.Context, it store.OutboxItem, _ store.Root) (store.Root, error) {
	args := []any{"target", it.Target, "kind", it.Kind, "text", unescapeMrkdwn(it.Text)}
	if details := blockText(it.Blocks); details != "" {
		args = append(args, "details", details)
	}
	l.Log.Warn("alert", args...)
	return store.Root{}, nil
}

// block is the part of a Block Kit block that carries text: a section's
// text, or a context block's elements.
type block struct {
	Type     string       `json:"type"`
	Text     *textObject  `json:"text"`
	Elements []textObject `json:"elements"`
}

type textObject struct {
	Text string `json:"text"`
}

// blockText is the text of the sections and context lines of a message,
// one per line; the header repeats the message text and is left out.
func blockText(raw json.RawMessage) string {
	var blocks []block
	if len(raw) == 0 || json.Unmarshal(raw, &blocks) != nil {
		return ""
	}
	var lines []string
	for _, b := range blocks {
		switch b.Type {
		case "section":
			if b.Text != nil && b.Text.Text != "" {
				lines = append(lines, b.Text.Text)
			}
		case "context":
			for _, e := range b.Elements {
				if e.Text != "" {
					lines = append(lines, e.Text)
				}
			}
		}
	}
	return unescapeMrkdwn(strings.Join(lines, "\n"))
}

// unescapeMrkdwn undoes Slack's escaping of & < >, which a log reader does
// not need.
var unescapeMrkdwn = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace
