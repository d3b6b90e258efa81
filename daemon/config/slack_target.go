package config

import (
	"strings"
)

// TargetSlack is targets[].slack: where this target's alerts go in Slack.
type TargetSlack struct {
	// Channel overrides slack.channel for this target's alert messages
	// (the root message; updates and thread replies follow it).
	Channel string `yaml:"channel"`
}

// SlackChannel is the channel target's alerts are posted to: the target's
// own slack.channel, else the global slack.channel. A target the config
// does not know gets the global one.
func (c *Config) SlackChannel(target string) string {
	global := ""
	if c.Slack != nil {
		global = c.Slack.Channel
	}
	for i := range c.Targets {
		if t := &c.Targets[i]; t.Name == target && t.Slack != nil && t.Slack.Channel != "" {
			return t.Slack.Channel
		}
	}
	return global
}

// validateTargetSlack checks targets[].slack: a channel needs a bot token,
// since an incoming webhook posts only to the channel it was created for.
func (c *Config) validateTargetSlack(t *Target, at string, add func(string, ...any)) {
	if t.Slack == nil {
		return
	}
	ch := t.Slack.Channel
	switch {
	case ch == "":
		add("%s.slack.channel: required in a target's slack section, e.g. \"#wandb-sso-prod\"", at)
	case strings.ContainsAny(ch, " \t\n,"):
		add("%s.slack.channel: %q is not a channel: use one name (\"#wandb-sso-prod\") or id (C…)", at, ch)
	case c.Slack == nil || c.Slack.BotToken.IsZero():
		add("%s.slack.channel: needs slack.bot_token: an incoming webhook posts only to the channel it was created for", at)
	}
}
