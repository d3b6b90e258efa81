package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
)

// TestResult is where `driftd slack test` posted.
type TestResult struct {
	Via     string // "bot" or "webhook"
	Channel string // the channel asked for (bot only)
	Posted  string // the channel id Slack answered with (bot only)
	TS      string
}

// SendTest posts a test message through the sender the config builds
// (bot or webhook), to target's channel when target is set, so a setup
// error shows now rather than at the first drift.
func SendTest(ctx context.Context, cfg *config.Config, target string, transport http.RoundTripper) (TestResult, error) {
	if cfg.Slack == nil {
		return TestResult{}, errors.New("the config has no slack section: alerts go to the log")
	}
	if target != "" {
		if _, err := cfg.Select(target); err != nil {
			return TestResult{}, err
		}
	}
	sender := newSender(func() *config.Config { return cfg }, slog.New(slog.DiscardHandler), transport)
	res := TestResult{Via: "bot", Channel: cfg.SlackChannel(target)}
	if _, ok := sender.(*WebhookSender); ok {
		res = TestResult{Via: "webhook"}
	}
	about := "driftd's alerts"
	if target != "" {
		about = fmt.Sprintf("driftd's alerts for target `%s`", target)
	}
	text := fmt.Sprintf("driftd test message: %s will arrive here.", about)
	blocks, _ := json.Marshal(slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(md(":wave: "+mrkdwnEscape(text)), nil, nil),
	}})
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	root, err := sender.Send(ctx, store.OutboxItem{Target: target, Op: store.OpPostRoot, Text: text, Blocks: blocks, Created: time.Now()}, store.Root{})
	if err != nil {
		return res, fmt.Errorf("posting the test message via the %s: %w", res.Via, err)
	}
	res.Posted, res.TS = root.Channel, root.TS
	return res, nil
}

// Explain says what to do about a Slack error from SendTest or a delivery.
// The error names are Slack's (chat.postMessage's documented errors; for
// webhooks the status, all slack-go keeps: webhooks.go checkStatusCode).
func Explain(err error, channel string) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return explainAPI(se, channel)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return explainWebhook(sc)
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return fmt.Sprintf("Slack is rate limiting this app: try again in %s.", rl.RetryAfter)
	}
	return "Slack could not be reached: check the network path (and slack.api_url, if set)."
}

func explainAPI(se slack.SlackErrorResponse, channel string) string {
	switch se.Err {
	case "missing_scope":
		have := se.Provided
		if have == "" {
			have = "none"
		}
		return fmt.Sprintf("The bot token lacks the scope %s (it has: %s). Add %s under OAuth & Permissions > Bot Token Scopes, "+
			"then reinstall the app to the workspace so the token gets it.", se.Needed, have, se.Needed)
	case "not_in_channel":
		return fmt.Sprintf("The bot is not a member of %s. Invite it: in %s, type /invite @your-app "+
			"(or add the chat:write.public scope to post in public channels without joining).", channel, channel)
	case "channel_not_found":
		return fmt.Sprintf("Slack knows no channel %s that this bot can see. Check the name (or use the channel id, C…, "+
			"from the channel's details); a private channel must invite the bot first (/invite @your-app).", channel)
	case "is_archived":
		return fmt.Sprintf("%s is archived: unarchive it or pick another channel.", channel)
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
		return fmt.Sprintf("Slack refused the bot token (%s). Set slack.bot_token to the app's Bot User OAuth Token "+
			"(xoxb-…, under OAuth & Permissions) and check the app is still installed.", se.Err)
	}
	return fmt.Sprintf("Slack answered %s.", se.Err)
}

func explainWebhook(sc slack.StatusCodeError) string {
	switch sc.Code {
	case http.StatusNotFound:
		return "Slack knows no such webhook (404: no_service or channel_not_found): it was removed, its app uninstalled, " +
			"its channel deleted, or the URL is mistyped. Create a new incoming webhook and set slack.webhook_url."
	case http.StatusForbidden:
		return "Slack refused the webhook (403: invalid_token or action_prohibited): its token was revoked or an admin " +
			"restricted posting to the channel. Create a new incoming webhook and set slack.webhook_url."
	case http.StatusGone:
		return "The webhook's channel is archived (410: channel_is_archived): unarchive it or create a webhook for another channel."
	}
	return fmt.Sprintf("Slack answered the webhook with %s.", sc.Status)
}
