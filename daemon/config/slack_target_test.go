package config

import (
	"strings"
	"testing"
)

const botSlack = "slack:\n  bot_token: xoxb-1\n  channel: \"#wandb-sso\"\n"

func TestATargetsSlackChannel(t *testing.T) {
	tests := []struct {
		name, slack, target, want string
	}{
		{"a target's own channel overrides slack.channel", botSlack, "    slack: {channel: \"#wandb-sso-prod\"}\n", "#wandb-sso-prod"},
		{"a target without one uses slack.channel", botSlack, "", "#wandb-sso"},
		{"a channel id is a channel", botSlack, "    slack: {channel: C0123456789}\n", "C0123456789"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(goodConfig+tc.target+tc.slack), "/etc/driftd/driftd.yaml", testEnv)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.SlackChannel("prod"); got != tc.want {
				t.Errorf("channel of prod = %q, want %q", got, tc.want)
			}
			if got := c.SlackChannel("gone"); got != "#wandb-sso" {
				t.Errorf("channel of an unknown target = %q, want slack.channel", got)
			}
		})
	}
}

func TestBadTargetSlackChannels(t *testing.T) {
	tests := []struct {
		name, slack, target, want string
	}{
		{"an empty channel is refused", botSlack, "    slack: {}\n",
			`targets[0].slack.channel: required in a target's slack section, e.g. "#wandb-sso-prod"`},
		{"two channels are refused", botSlack, "    slack: {channel: \"#a, #b\"}\n",
			`targets[0].slack.channel: "#a, #b" is not a channel: use one name ("#wandb-sso-prod") or id (C…)`},
		{"a channel with a webhook is refused", "slack:\n  webhook_url: https://hooks.slack.com/services/T/B/X\n", "    slack: {channel: \"#prod\"}\n",
			"targets[0].slack.channel: needs slack.bot_token: an incoming webhook posts only to the channel it was created for"},
		{"a channel without any slack section is refused", "", "    slack: {channel: \"#prod\"}\n",
			"targets[0].slack.channel: needs slack.bot_token"},
		{"a misspelt key is named", botSlack, "    slack: {chanel: \"#prod\"}\n", `targets[0].slack.chanel: unknown key (did you mean "channel"?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(goodConfig+tc.target+tc.slack), "/etc/driftd/driftd.yaml", testEnv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
