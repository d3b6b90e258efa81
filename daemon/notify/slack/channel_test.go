package slack

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/slacksim"
)

func TestATargetsAlertGoesToItsOwnChannelAndItsThreadFollows(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.SetChannels(slacksim.Channel{ID: "C0GLOBAL", Name: "wandb-sso", Member: true},
		slacksim.Channel{ID: "C0PROD", Name: "wandb-sso-prod", Member: true})
	h.cfg.Targets = append(h.cfg.Targets, config.Target{Name: "staging"})
	h.cfg.Targets[0].Slack = &config.TargetSlack{Channel: "#wandb-sso-prod"}

	h.notify(sampleResult())
	staging := sampleResult()
	staging.Name = "staging"
	h.a.Notify(context.Background(), &h.cfg.Targets[1], staging)
	h.flush()
	h.now = h.now.Add(1)
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.flush()

	var got []string
	for _, m := range h.sim.Messages() {
		got = append(got, m.Method+" "+m.Channel+" "+strings.SplitN(m.Text, ":", 2)[0])
	}
	want := []string{
		"chat.postMessage #wandb-sso-prod SSO drift on prod",                                // the root, in prod's channel
		"chat.postMessage #wandb-sso SSO drift on staging",                                  // no channel of its own: slack.channel
		"chat.update C0PROD Resolved",                                                       // the update follows the root's channel
		"chat.postMessage C0PROD Resolved by a change made outside driftd at 2026-11-28T09", // and so does the reply
	}
	// Targets are delivered in parallel: the two roots may come in either order.
	if len(got) == len(want) {
		sort.Strings(got[:2])
		sort.Strings(want[:2])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	h.noSecrets()
}

func TestAReloadedChannelTakesEffectForTheNextAlert(t *testing.T) {
	h := newAlertHarness(t, false)
	h.cfg.Targets[0].Slack = &config.TargetSlack{Channel: "#before"}
	cfg := *h.cfg
	cfg.Targets = []config.Target{h.cfg.Targets[0]}
	cfg.Targets[0].Slack = &config.TargetSlack{Channel: "#after"}
	h.cfg = &cfg // what a reload swaps in
	h.notify(sampleResult())
	h.flush()
	if ms := h.sim.Messages(); len(ms) != 1 || ms[0].Channel != "#after" {
		t.Fatalf("messages %+v, want one root in #after", ms)
	}
}

// slackTestConfig is a config whose Slack goes to sim, as a bot or a webhook.
func slackTestConfig(sim *slacksim.Server, token string, webhook bool) *config.Config {
	sc := &config.SlackConfig{Channel: "#wandb-sso", APIURL: sim.APIURL()}
	if webhook {
		sc.WebhookURL = config.NewSecret(sim.WebhookURL())
	} else {
		sc.BotToken = config.NewSecret(token)
	}
	return &config.Config{Slack: sc, Targets: []config.Target{
		{Name: "prod", Slack: &config.TargetSlack{Channel: "#wandb-sso-prod"}}, {Name: "staging"}}}
}

func TestSendTestExplainsWhatSlackRefused(t *testing.T) {
	tests := []struct {
		name    string
		token   string
		webhook bool
		target  string
		set     func(s *slacksim.Server)
		want    []string
	}{
		{name: "a token without chat:write is told the scope to add", token: slackToken,
			set:  func(s *slacksim.Server) { s.SetScopes("channels:read", "users:read") },
			want: []string{"missing_scope", "lacks the scope chat:write (it has: channels:read,users:read)", "reinstall the app"}},
		{name: "a bot outside the channel is told to invite it", token: slackToken, target: "prod",
			set:  func(s *slacksim.Server) { s.SetChannels(slacksim.Channel{ID: "C0PROD", Name: "wandb-sso-prod"}) },
			want: []string{"not_in_channel", "not a member of #wandb-sso-prod", "/invite @your-app"}},
		{name: "an unknown channel is named", token: slackToken,
			set:  func(s *slacksim.Server) { s.SetChannels(slacksim.Channel{ID: "C0OTHER", Name: "other", Member: true}) },
			want: []string{"channel_not_found", "no channel #wandb-sso that this bot can see"}},
		{name: "a wrong token is a bad token", token: "xoxb-wrong",
			want: []string{"invalid_auth", "refused the bot token (invalid_auth)", "Bot User OAuth Token"}},
		{name: "a revoked webhook (404) is told to make a new one", webhook: true,
			set:  func(s *slacksim.Server) { s.SetWebhookStatus(http.StatusNotFound, "no_service") },
			want: []string{"404", "no such webhook", "Create a new incoming webhook"}},
		{name: "a refused webhook (403) is told its token was revoked", webhook: true,
			set:  func(s *slacksim.Server) { s.SetWebhookStatus(http.StatusForbidden, "invalid_token") },
			want: []string{"403", "refused the webhook", "token was revoked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := slacksim.Start(slackToken)
			defer sim.Close()
			if tc.set != nil {
				tc.set(sim)
			}
			cfg := slackTestConfig(sim, tc.token, tc.webhook)
			res, err := SendTest(context.Background(), cfg, tc.target, nil)
			if err == nil {
				t.Fatalf("the test message was posted: %+v", res)
			}
			got := err.Error() + "\n" + Explain(err, res.Channel)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("explanation lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, slackToken) || strings.Contains(got, sim.WebhookURL()) {
				t.Errorf("a secret is in the explanation:\n%s", got)
			}
			if len(sim.Messages()) != 0 {
				t.Errorf("a refused call was recorded as delivered: %+v", sim.Messages())
			}
		})
	}
}

func TestSendTestPostsToTheTargetsChannel(t *testing.T) {
	sim := slacksim.Start(slackToken)
	defer sim.Close()
	sim.SetChannels(slacksim.Channel{ID: "C0SSO", Name: "wandb-sso", Member: true}, slacksim.Channel{ID: "C0PROD", Name: "wandb-sso-prod", Member: true})
	for target, want := range map[string]string{"prod": "#wandb-sso-prod", "staging": "#wandb-sso", "": "#wandb-sso"} {
		res, err := SendTest(context.Background(), slackTestConfig(sim, slackToken, false), target, nil)
		if err != nil || res.Channel != want || res.TS == "" {
			t.Errorf("target %q: %+v %v, want posted to %s", target, res, err, want)
		}
	}
	ms := sim.Messages()
	if len(ms) != 3 || !strings.Contains(ms[0].Text, "driftd test message") {
		t.Fatalf("messages %+v", ms)
	}
	webhook := slackTestConfig(sim, "", true)
	if res, err := SendTest(context.Background(), webhook, "prod", nil); err != nil || res.Via != "webhook" {
		t.Fatalf("webhook: %+v %v", res, err)
	}
}
