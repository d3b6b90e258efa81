package config

import (
	"strings"
	"testing"
	"time"
)

func TestEventSettings(t *testing.T) {
	cases := []struct {
		name      string
		okta      string
		extra     string
		poll      time.Duration
		hook      string
		watch     bool
		wantError string
	}{
		{"without settings the System Log is polled every 15s and the hook is off", "", "", 15 * time.Second, "", false, ""},
		{"0s turns the System Log follower off", "  events: {poll: 0s}\n", "", 0, "", false, ""},
		{"a poll and a hook secret are read", "  events: {poll: 30s}\n  event_hook: {secret: hook-s3cret}\n", "kubernetes: {watch: true}\n", 30 * time.Second, "hook-s3cret", true, ""},
		{"a negative poll is refused", "  events: {poll: -1s}\n", "", 0, "", false, "okta.events.poll: -1s is out of range"},
		{"a poll under a second is refused", "  events: {poll: 100ms}\n", "", 0, "", false, "okta.events.poll: 100ms is out of range"},
		{"an unknown key under events is refused", "  events: {pol: 15s}\n", "", 0, "", false, `okta.events.pol: unknown key (did you mean "poll"?)`},
		{"an unknown key under kubernetes is refused", "", "kubernetes: {wach: true}\n", 0, "", false, "kubernetes.wach: unknown key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(goodConfig, "  api_token: ${OKTA_API_TOKEN}\n", "  api_token: ${OKTA_API_TOKEN}\n"+tc.okta, 1) + tc.extra
			c, err := ParseConfig([]byte(doc), "/etc/driftd/driftd.yaml", testEnv)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Okta.Events.PollInterval(); got != tc.poll {
				t.Errorf("poll %s, want %s", got, tc.poll)
			}
			if c.Okta.EventHook.Secret.Reveal() != tc.hook || c.Kubernetes.Watch != tc.watch {
				t.Errorf("hook secret set %v, watch %v", !c.Okta.EventHook.Secret.IsZero(), c.Kubernetes.Watch)
			}
		})
	}
}

func TestTheEventHookHeaderAndNotes(t *testing.T) {
	cases := []struct {
		name, okta, header, wantError string
		note                          []string
	}{
		{"the header defaults to Authorization, and the note names what only the System Log carries", "  event_hook: {secret: s}\n", "Authorization", "",
			[]string{"oauth2.as.deleted", "policy.lifecycle.create", "policy.lifecycle.delete", "System Log follower (okta.events.poll 15s) covers them"}},
		{"a configured header name is kept", "  event_hook: {secret: s, header: X-Okta-Hook-Key}\n", "X-Okta-Hook-Key", "", []string{"oauth2.as.updated"}},
		{"with the follower off the note says the schedule sees them", "  events: {poll: 0s}\n  event_hook: {secret: s}\n", "Authorization", "", []string{"seen only on the schedule"}},
		{"a header name with a space is refused", "  event_hook: {secret: s, header: \"X Key\"}\n", "", `okta.event_hook.header: "X Key" is not an HTTP header name`, nil},
		{"without a hook there is no note", "", "Authorization", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(goodConfig, "  api_token: ${OKTA_API_TOKEN}\n", "  api_token: ${OKTA_API_TOKEN}\n"+tc.okta, 1)
			c, err := ParseConfig([]byte(doc), "/etc/driftd/driftd.yaml", testEnv)
			if tc.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Okta.EventHook.HeaderName(); got != tc.header {
				t.Errorf("header %q, want %q", got, tc.header)
			}
			notes := strings.Join(c.EventNotes(), "\n")
			if tc.note == nil && notes != "" {
				t.Errorf("notes %q, want none", notes)
			}
			for _, n := range tc.note {
				if !strings.Contains(notes, n) {
					t.Errorf("notes %q lack %q", notes, n)
				}
			}
		})
	}
}

// TestAnEventHookSecretWithSurroundingWhitespaceIsRefused: a secret read
// from a file or a Kubernetes Secret often ends in a newline, and an HTTP
// field value never carries leading or trailing whitespace (RFC 9110
// section 5.5; Go's server trims it), so such a secret could never match:
// every delivery would be refused and Okta's address throttled.
func TestAnEventHookSecretWithSurroundingWhitespaceIsRefused(t *testing.T) {
	env := func(name string) (string, bool) {
		if name == "OKTA_EVENT_HOOK_SECRET" {
			return "hook-s3cret\n", true
		}
		return testEnv(name)
	}
	doc := strings.Replace(goodConfig, "  api_token: ${OKTA_API_TOKEN}\n", "  api_token: ${OKTA_API_TOKEN}\n  event_hook: {secret: \"${OKTA_EVENT_HOOK_SECRET}\"}\n", 1)
	_, err := ParseConfig([]byte(doc), "/etc/driftd/driftd.yaml", env)
	if err == nil || !strings.Contains(err.Error(), "okta.event_hook.secret") || !strings.Contains(err.Error(), "whitespace") {
		t.Fatalf("error %v, want one naming okta.event_hook.secret and its whitespace", err)
	}
	if strings.Contains(err.Error(), "hook-s3cret") {
		t.Errorf("the error shows the secret: %v", err)
	}
	// check uses no Event Hook: the secret does not stop it (contract
	// section 11, secrets per command).
	if _, err := parseConfig([]byte(doc), "/etc/driftd/driftd.yaml", env, ForCheck, ""); err != nil {
		t.Errorf("check was refused for the Event Hook's secret: %v", err)
	}
}

// TestAnOktaAPITokenWithSurroundingWhitespaceIsRefused: the SDK sends
// "SSWS " + token as a header, which Go refuses for a newline ("invalid
// header field value") on every read; validate says why instead.
func TestAnOktaAPITokenWithSurroundingWhitespaceIsRefused(t *testing.T) {
	env := func(name string) (string, bool) {
		if name == "OKTA_API_TOKEN" {
			return "00okta-secret-token\n", true
		}
		return testEnv(name)
	}
	_, err := ParseConfig([]byte(goodConfig), "/etc/driftd/driftd.yaml", env)
	if err == nil || !strings.Contains(err.Error(), "okta.api_token") || !strings.Contains(err.Error(), "whitespace") {
		t.Fatalf("error %v, want one naming okta.api_token and its whitespace", err)
	}
	if strings.Contains(err.Error(), "00okta-secret-token") {
		t.Errorf("the error shows the token: %v", err)
	}
}

// The other secrets sent in, or compared with, a header value: each with a
// trailing newline is refused naming its key, never showing its value; a
// command that does not use the section is not stopped by it.
func TestTheHeaderSecretsWithSurroundingWhitespaceAreRefused(t *testing.T) {
	withSlack := goodConfig + "slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  channel: \"#sso\"\n  signing_secret: ${SLACK_SIGNING_SECRET}\n"
	for _, key := range []string{"DRIFTD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} {
		t.Run(key, func(t *testing.T) {
			env := func(name string) (string, bool) {
				switch name {
				case key:
					return "padded-secret-value\n", true
				case "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET":
					return "fine-" + name, true
				}
				return testEnv(name)
			}
			want := map[string]string{"DRIFTD_TOKEN": "server.token", "SLACK_BOT_TOKEN": "slack.bot_token", "SLACK_SIGNING_SECRET": "slack.signing_secret"}[key]
			_, err := ParseConfig([]byte(withSlack), "/etc/driftd/driftd.yaml", env)
			if err == nil || !strings.Contains(err.Error(), want+": begins or ends with whitespace") {
				t.Fatalf("error %v, want one naming %s and its whitespace", err, want)
			}
			if strings.Contains(err.Error(), "padded-secret-value") {
				t.Errorf("the error shows the secret: %v", err)
			}
			if _, err := parseConfig([]byte(withSlack), "/etc/driftd/driftd.yaml", env, ForCheck, ""); err != nil {
				t.Errorf("check, which uses neither server nor slack, was refused: %v", err)
			}
		})
	}
}
