package daemon

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// Notifier tells people about a target's result. The daemon calls it after
// every run; deciding whether a message is due is the notifier's business.
type Notifier interface {
	Notify(ctx context.Context, t *Target, res *TargetResult)
}

// Alerter is driftd's Notifier: it decides with Decide, renders the
// messages, and queues them in the store's outbox in the same transaction
// as the new alert state; the deliverer sends them.
type Alerter struct {
	store    *Store
	log      *slog.Logger
	cfg      func() *Config
	now      func() time.Time
	webhook  bool
	delivery *deliverer
}

// NewAlerter builds the alerter for cfg's slack section: a bot, a webhook,
// or (without Slack) the log.
func NewAlerter(store *Store, cfg func() *Config, log *slog.Logger, transport http.RoundTripper) *Alerter {
	a := &Alerter{store: store, log: log, cfg: cfg, now: time.Now}
	var sender Sender = &logSender{log: log}
	if sc := cfg().Slack; sc != nil {
		httpClient := &http.Client{Timeout: 10 * time.Second, Transport: transport}
		switch {
		case !sc.BotToken.IsZero():
			opts := []slack.Option{slack.OptionHTTPClient(httpClient)}
			if sc.APIURL != "" {
				opts = append(opts, slack.OptionAPIURL(sc.APIURL))
			}
			sender = &slackSender{client: slack.New(sc.BotToken.Reveal(), opts...), channel: sc.Channel}
		case !sc.WebhookURL.IsZero():
			sender = &webhookSender{url: sc.WebhookURL.Reveal(), client: httpClient}
			a.webhook = true
		}
	}
	a.delivery = newDeliverer(store, sender, log)
	return a
}

// Run delivers queued messages until ctx ends.
func (a *Alerter) Run(ctx context.Context) { a.delivery.run(ctx) }

// Notify decides and queues what res calls for.
func (a *Alerter) Notify(_ context.Context, t *Target, res *TargetResult) {
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
	kinds, next := Decide(prev, res, now, repeat)
	if len(kinds) == 0 {
		// Same fingerprint, same findings: nothing to store either.
		return
	}
	ac := AlertContext{OktaOrgURL: cfg.Okta.OrgURL, AppID: t.Okta.AppID, WandbURL: t.Wandb.URL,
		Approve: t.Remedy.Mode == ModeApprove && !a.webhook && cfg.Slack != nil, Now: now}
	episode := next.OpenedAt.UTC().Format(time.RFC3339Nano)
	var items []OutboxItem
	add := func(kind, op, text string, blocks []slack.Block) {
		if a.webhook && op != OpPostRoot {
			// A webhook can only post: each step is a message of its own.
			op = OpPostRoot
		}
		data, _ := json.Marshal(slack.Blocks{BlockSet: blocks})
		items = append(items, OutboxItem{Target: t.Name, Episode: episode, Kind: kind, Op: op, Text: text, Blocks: data, Created: now})
	}
	for _, kind := range kinds {
		switch kind {
		case AlertNew:
			text, blocks := RenderRoot(res, ac, false)
			add(kind, OpPostRoot, text, blocks)
		case AlertChanged, AlertNewPlan:
			text, blocks := RenderRoot(res, ac, false)
			if !a.webhook || kind == AlertChanged {
				add(kind, OpUpdateRoot, text, blocks)
			}
			if kind == AlertChanged && !a.webhook {
				rt, rb := RenderReply(kind, prev.Findings, res, ac)
				add(kind, OpReply, rt, rb)
			}
		case AlertResolved:
			text, blocks := RenderRoot(res, ac, true)
			add(kind, OpUpdateRoot, text, blocks)
			if !a.webhook {
				rt, rb := RenderReply(kind, nil, res, ac)
				add(kind, OpReply, rt, rb)
			}
		default:
			rt, rb := RenderReply(kind, prev.Findings, res, ac)
			add(kind, OpReply, rt, rb)
		}
	}
	if err := a.store.CommitAlert(t.Name, next, items); err != nil {
		a.log.Error("queueing alerts", "target", t.Name, "err", err)
		return
	}
	a.delivery.poke()
}

// Reply queues a free-form reply in the thread of the target's current
// (or last) episode.
func (a *Alerter) Reply(target, kind, text string) {
	st, err := a.store.Alert(target)
	if err != nil {
		a.log.Error("reading alert state", "target", target, "err", err)
		return
	}
	op := OpReply
	if a.webhook {
		op = OpPostRoot
	}
	data, _ := json.Marshal(slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(md(truncate(text, maxSectionChars)), nil, nil)}})
	it := OutboxItem{Target: target, Episode: st.OpenedAt.UTC().Format(time.RFC3339Nano), Kind: kind, Op: op, Text: text, Blocks: data, Created: a.now()}
	if err := a.store.CommitAlert(target, st, []OutboxItem{it}); err != nil {
		a.log.Error("queueing a reply", "target", target, "err", err)
		return
	}
	a.delivery.poke()
}
