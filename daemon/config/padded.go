package config

import "strings"

// checkPadding refuses the secrets that travel in, or are compared with, an
// HTTP header value when they begin or end with whitespace, typically a
// file's or a Kubernetes Secret's trailing newline. A field value never
// carries it (RFC 9110 section 5.5; Go's server trims it and its client
// refuses a newline), so such a secret fails every request: the /v1 API's
// bearer token would refuse every client, Slack's bot token every post,
// and the signing secret every approval click, each with a message that
// does not say why, and the Event Hook's secret every delivery, getting
// Okta's address throttled. (okta.api_token is checked with the other Okta
// credentials, validateCredentials.)
func (c *Config) checkPadding(add func(string, ...any)) {
	secrets := map[string]Secret{"server.token": c.Server.Token, "okta.event_hook.secret": c.Okta.EventHook.Secret}
	if s := c.Slack; s != nil {
		secrets["slack.bot_token"], secrets["slack.signing_secret"] = s.BotToken, s.SigningSecret
	}
	for _, key := range []string{"server.token", "okta.event_hook.secret", "slack.bot_token", "slack.signing_secret"} {
		if v := secrets[key].Reveal(); v != strings.TrimSpace(v) {
			add("%s: begins or ends with whitespace (a file's trailing newline?): remove it", key)
		}
	}
}
