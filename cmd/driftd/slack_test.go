package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/slacksim"
)

const cliSlackToken = "xoxb-cli-never-printed"

// slackFixture is a two-target fixture alerting to sim: prod has a channel
// of its own, staging uses slack.channel.
func slackFixture(t *testing.T, sim *slacksim.Server, webhook bool) *fixture.Fixture {
	t.Helper()
	f := fixture.New(t, "prod", "staging")
	slack := "slack:\n  bot_token: " + cliSlackToken + "\n  channel: \"#wandb-sso\"\n  api_url: " + sim.APIURL() + "\n"
	if webhook {
		slack = "slack:\n  webhook_url: " + sim.WebhookURL() + "\n"
	}
	body := strings.Replace(f.Body, "targets:\n", slack+"targets:\n", 1)
	if !webhook {
		body = strings.Replace(body, "  - name: prod\n", "  - name: prod\n    slack: {channel: \"#wandb-sso-prod\"}\n", 1)
	}
	f.WriteConfig(body)
	return f
}

func TestSlackTestPostsWhereTheTargetsAlertsGo(t *testing.T) {
	sim := slacksim.Start(cliSlackToken)
	defer sim.Close()
	sim.SetChannels(slacksim.Channel{ID: "C0SSO", Name: "wandb-sso", Member: true}, slacksim.Channel{ID: "C0PROD", Name: "wandb-sso-prod", Member: true})
	f := slackFixture(t, sim, false)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"--target prod posts to prod's own channel", []string{"--target", "prod"}, "posted a test message to #wandb-sso-prod (channel C0PROD"},
		{"--target staging posts to slack.channel", []string{"--target", "staging"}, "posted a test message to #wandb-sso (channel C0SSO"},
		{"without --target it posts to slack.channel", nil, "posted a test message to #wandb-sso (channel C0SSO"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, append([]string{"slack", "test", "--config", f.Cfg}, tc.args...)...)
			if code != ExitOK || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want %q\n%s%s", code, tc.want, out, stderr)
			}
		})
	}
	if n := len(sim.Messages()); n != 3 {
		t.Errorf("%d messages posted, want 3", n)
	}
	if code, _, stderr := runCLI(t, "slack", "test", "--config", f.Cfg, "--target", "zzz"); code != ExitError || !strings.Contains(stderr, `no target named "zzz"`) {
		t.Errorf("an unknown target: exit %d: %s", code, stderr)
	}
}

func TestSlackTestExplainsAFailure(t *testing.T) {
	tests := []struct {
		name    string
		webhook bool
		set     func(s *slacksim.Server)
		want    []string
	}{
		{name: "a missing scope names the scope to add",
			set:  func(s *slacksim.Server) { s.SetScopes("channels:read") },
			want: []string{"posting the test message via the bot: missing_scope", "lacks the scope chat:write (it has: channels:read)"}},
		{name: "a bot outside the channel is told to invite it",
			set:  func(s *slacksim.Server) { s.SetChannels(slacksim.Channel{ID: "C0PROD", Name: "wandb-sso-prod"}) },
			want: []string{"not_in_channel", "The bot is not a member of #wandb-sso-prod. Invite it: in #wandb-sso-prod, type /invite @your-app"}},
		{name: "an unknown channel is named",
			set:  func(s *slacksim.Server) { s.SetChannels() },
			want: []string{"channel_not_found", "Slack knows no channel #wandb-sso-prod"}},
		{name: "a bad token is a bad token",
			set:  func(s *slacksim.Server) { s.SetInvalidAuth(true) },
			want: []string{"invalid_auth", "Slack refused the bot token (invalid_auth)"}},
		{name: "a revoked webhook is told to make a new one", webhook: true,
			set:  func(s *slacksim.Server) { s.SetWebhookStatus(http.StatusNotFound, "no_service") },
			want: []string{"slack server error: 404", "Slack knows no such webhook"}},
		{name: "a refused webhook says its token was revoked", webhook: true,
			set:  func(s *slacksim.Server) { s.SetWebhookStatus(http.StatusForbidden, "invalid_token") },
			want: []string{"slack server error: 403", "Slack refused the webhook (403"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := slacksim.Start(cliSlackToken)
			defer sim.Close()
			f := slackFixture(t, sim, tc.webhook)
			tc.set(sim)
			code, out, stderr := runCLI(t, "slack", "test", "--config", f.Cfg, "--target", "prod")
			if code != ExitError {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, cliSlackToken) || strings.Contains(stderr, sim.WebhookURL()) {
				t.Errorf("a secret is in the output:\n%s", stderr)
			}
		})
	}
}

func TestSlackTestWithoutSlackSaysAlertsGoToTheLog(t *testing.T) {
	f := fixture.New(t, "prod")
	if code, _, stderr := runCLI(t, "slack", "test", "--config", f.Cfg); code != ExitError || !strings.Contains(stderr, "no slack section") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
