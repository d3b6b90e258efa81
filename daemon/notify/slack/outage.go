package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
)

// RenderOutage renders the notice that driftd has been unable to read a
// target (status error) since since, or, resolved, that it reads it again.
// An outage is not drift: nothing is known about the SSO wiring meanwhile.
func RenderOutage(res *report.TargetResult, ac AlertContext, since time.Time, resolved bool) (string, []slack.Block) {
	if resolved {
		text := fmt.Sprintf("driftd reads %s again (it could not for %s)", res.Name, res.ObservedAt.Sub(since).Round(time.Second))
		return text, []slack.Block{
			slack.NewHeaderBlock(plain(truncate(":white_check_mark: "+text, 150))),
			slack.NewSectionBlock(md(fmt.Sprintf("*Target* `%s` · *Status* %s · checked %s", res.Name, res.Status, res.ObservedAt.UTC().Format(time.RFC3339))), nil, nil),
		}
	}
	text := fmt.Sprintf("driftd cannot check %s: a source has been unreadable since %s", res.Name, since.UTC().Format(time.RFC3339))
	var b strings.Builder
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "*%s*: %s\n", mrkdwnEscape(e.Source), code(mrkdwnEscape(truncate(e.Message, 1000))))
	}
	b.WriteString("Until it is readable again, drift on this target goes unnoticed.")
	return text, []slack.Block{
		slack.NewHeaderBlock(plain(truncate(":warning: "+text, 150))),
		slack.NewSectionBlock(md(fmt.Sprintf("*Target* `%s` · *Status* error · observed %s", res.Name, res.ObservedAt.UTC().Format(time.RFC3339))), nil, nil),
		slack.NewSectionBlock(md(truncate(b.String(), maxSectionChars)), nil, nil),
		links(ac),
	}
}

// outageItems queues an outage notice as a message of its own episode
// ("outage/<since>"), so it never threads into, nor replaces the root of, a
// drift episode. Its end updates that message and, for a bot, replies in
// its thread; a webhook can only post.
func outageItems(kind string, prev, next store.AlertState, res *report.TargetResult, ac AlertContext, webhook bool, now time.Time) []store.OutboxItem {
	since, resolved := next.ErrorSince, kind == notify.AlertOutageResolved
	if resolved {
		since = prev.ErrorSince
	}
	text, blocks := RenderOutage(res, ac, since, resolved)
	data, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
	it := store.OutboxItem{Target: res.Name, Episode: "outage/" + since.UTC().Format(time.RFC3339Nano), Kind: kind,
		Op: store.OpPostRoot, Text: text, Blocks: data, Created: now}
	if !resolved || webhook {
		return []store.OutboxItem{it}
	}
	it.Op = store.OpUpdateRoot
	reply := it
	reply.Op = store.OpReply
	reply.Blocks, _ = json.Marshal(slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(md(mrkdwnEscape(text)), nil, nil)}})
	return []store.OutboxItem{it, reply}
}

// mrkdwnEscape escapes what Slack's mrkdwn treats as control characters.
func mrkdwnEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
