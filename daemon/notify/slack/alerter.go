package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/slack-go/slack"
)

// Alerter is driftd's Slack notifier: it decides with notify.DecideWith, renders
// the messages as Block Kit, and queues them in the store's outbox in the same transaction
// as the new alert state; the deliverer sends them.
type Alerter struct {
	store    *store.Store
	log      *slog.Logger
	cfg      func() *config.Config
	now      func() time.Time
	webhook  bool
	delivery *notify.Deliverer
}

// NewAlerter builds the alerter for cfg's slack section: a bot, a webhook,
// or (without Slack) the log.
func NewAlerter(st *store.Store, cfg func() *config.Config, log *slog.Logger, transport http.RoundTripper, clock notify.Clock) *Alerter {
	a := &Alerter{store: st, log: log, cfg: cfg, now: clock.Now}
	if a.now == nil {
		a.now = time.Now
	}
	sender := newSender(cfg, log, transport)
	_, a.webhook = sender.(*WebhookSender)
	a.delivery = notify.NewDeliverer(st, sender, log, clock)
	return a
}

// newSender is the sender cfg's slack section asks for: a bot (posting each
// target's root message to its channel), a webhook, or the log.
func newSender(cfg func() *config.Config, log *slog.Logger, transport http.RoundTripper) notify.Sender {
	sc := cfg().Slack
	if sc == nil {
		return &notify.LogSender{Log: log}
	}
	httpClient := &http.Client{Timeout: 10 * time.Second, Transport: transport, CheckRedirect: notify.RefuseRedirects}
	switch {
	case !sc.BotToken.IsZero():
		opts := []slack.Option{slack.OptionHTTPClient(httpClient)}
		if sc.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(sc.APIURL))
		}
		return &BotSender{client: slack.New(sc.BotToken.Reveal(), opts...), channel: sc.Channel,
			channelFor: func(target string) string { return cfg().SlackChannel(target) }}
	case !sc.WebhookURL.IsZero():
		return &WebhookSender{url: sc.WebhookURL.Reveal(), client: httpClient}
	}
	return &notify.LogSender{Log: log}
}

// queued reports whether a Slack message of target waits in the outbox
// (an error reading it counts as yes: better a late reminder than a pile).
func (a *Alerter) queued(target string) bool {
	items, err := a.store.Outbox()
	if err != nil {
		return true
	}
	for _, it := range items {
		if it.Notifier == "" && it.Target == target {
			return true
		}
	}
	return false
}

// Run delivers queued messages until ctx ends.
func (a *Alerter) Run(ctx context.Context) { a.delivery.Run(ctx) }

// Notify decides and queues what res calls for.
func (a *Alerter) Notify(_ context.Context, t *config.Target, res *report.TargetResult) {
	cfg := a.cfg()
	prev, err := a.store.Alert(t.Name)
	if err != nil {
		a.log.Error("reading alert state", "target", t.Name, "err", err)
		return
	}
	repeat := 4 * time.Hour
	if cfg.Slack != nil {
		repeat = time.Duration(cfg.Slack.RepeatInterval)
	}
	now := a.now()
	kinds, next := notify.DecideWith(prev, res, now, notify.Policy{Repeat: repeat, OutageAfter: time.Duration(cfg.OutageAlertAfter)})
	if len(kinds) == 1 && kinds[0] == notify.AlertReminder && a.queued(t.Name) {
		// Slack is behind: the queued messages say it already. The state
		// stays, so the reminder comes once they are delivered.
		return
	}
	if len(kinds) == 0 && !notify.OutageClockChanged(prev, next) {
		// Same fingerprint, same findings: nothing to store either.
		return
	}
	ac := AlertContext{OktaOrgURL: cfg.Okta.OrgURL, OktaAdminURL: cfg.Okta.AdminURL, AppID: t.Okta.AppID, WandbURL: t.Wandb.URL,
		Approve: t.Remedy.Mode == config.ModeApprove && !a.webhook && cfg.Slack != nil, Now: now}
	episode := next.OpenedAt.UTC().Format(time.RFC3339Nano)
	var items []store.OutboxItem
	add := func(kind, op, text string, blocks []slack.Block) {
		if a.webhook && op != store.OpPostRoot {
			// A webhook can only post: each step is a message of its own.
			op = store.OpPostRoot
		}
		data, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
		items = append(items, store.OutboxItem{Target: t.Name, Episode: episode, Kind: kind, Op: op, Text: text, Blocks: data, Created: now})
	}
	for _, kind := range kinds {
		switch kind {
		case notify.AlertNew:
			text, blocks := RenderRoot(res, ac, false)
			add(kind, store.OpPostRoot, text, blocks)
		case notify.AlertChanged, notify.AlertNewPlan:
			text, blocks := RenderRoot(res, ac, false)
			if !a.webhook || kind == notify.AlertChanged {
				add(kind, store.OpUpdateRoot, text, blocks)
			}
			if kind == notify.AlertChanged && !a.webhook {
				rt, rb := RenderReply(kind, prev.Findings, res, ac)
				add(kind, store.OpReply, rt, rb)
			}
		case notify.AlertResolved:
			text, blocks := RenderRoot(res, ac, true)
			add(kind, store.OpUpdateRoot, text, blocks)
			if !a.webhook {
				rt, rb := RenderReply(kind, nil, res, ac)
				add(kind, store.OpReply, rt, rb)
			}
		case notify.AlertOutage, notify.AlertOutageResolved:
			items = append(items, outageItems(kind, prev, next, res, ac, a.webhook, now)...)
		default:
			rt, rb := RenderReply(kind, prev.Findings, res, ac)
			add(kind, store.OpReply, rt, rb)
		}
	}
	if err := a.store.CommitAlert(t.Name, next, items); err != nil {
		a.log.Error("queueing alerts", "target", t.Name, "err", err)
		return
	}
	a.delivery.Poke()
}

// Reply queues a free-form reply in the thread of the target's current
// (or last) episode.
func (a *Alerter) Reply(target, kind, text string) {
	st, err := a.store.Alert(target)
	if err != nil {
		a.log.Error("reading alert state", "target", target, "err", err)
		return
	}
	op := store.OpReply
	if a.webhook {
		op = store.OpPostRoot
	}
	data, _ := json.Marshal(slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(md(truncate(text, maxSectionChars)), nil, nil)}})
	it := store.OutboxItem{Target: target, Episode: st.OpenedAt.UTC().Format(time.RFC3339Nano), Kind: kind, Op: op, Text: text, Blocks: data, Created: a.now()}
	if err := a.store.CommitAlert(target, st, []store.OutboxItem{it}); err != nil {
		a.log.Error("queueing a reply", "target", target, "err", err)
		return
	}
	a.delivery.Poke()
}
