package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/store"
)

func TestTheLogGetsTextNotBlockKitJSON(t *testing.T) {
	blocks := []map[string]any{
		{"type": "header", "text": map[string]any{"type": "plain_text", "text": "SSO drift on prod: 1 finding"}},
		{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "*okta.redirect_uris* expected `a` actual `b &amp; &lt;c&gt;`"}},
		{"type": "context", "elements": []map[string]any{{"type": "mrkdwn", "text": "…and 3 more findings not shown"}}},
	}
	raw, _ := json.Marshal(blocks)
	var out strings.Builder
	l := &LogSender{Log: slog.New(slog.NewTextHandler(&out, nil))}
	if _, err := l.Send(context.Background(), store.OutboxItem{Target: "prod", Kind: AlertNew, Text: "SSO drift on prod: 1 finding", Blocks: raw}, store.Root{}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{`text="SSO drift on prod: 1 finding"`, "okta.redirect_uris", "b & <c>", "3 more findings"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q: %s", want, got)
		}
	}
	for _, bad := range []string{`"type"`, "plain_text", "blocks="} {
		if strings.Contains(got, bad) {
			t.Errorf("log shows Block Kit (%s): %s", bad, got)
		}
	}
}
