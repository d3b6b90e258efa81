package config

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/checks/source"
)

// DefaultEventPoll is how often the Okta System Log is polled when
// okta.events.poll is not set.
const DefaultEventPoll = 15 * time.Second

// EventsConfig is okta.events: the System Log follower.
type EventsConfig struct {
	// Poll is how often the org's System Log is read; 0s turns the
	// follower off. Unset means DefaultEventPoll.
	Poll *Duration `yaml:"poll"`
}

// UnmarshalYAML reads okta.events and refuses a poll that is negative or
// so short it would spend the org's System Log budget.
func (e *EventsConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain EventsConfig
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	if p.Poll != nil {
		if d := time.Duration(*p.Poll); d < 0 || d > 0 && d < time.Second {
			return fmt.Errorf("okta.events.poll: %s is out of range: use 0s (off) or at least 1s, e.g. 15s", d)
		}
	}
	*e = EventsConfig(p)
	return nil
}

// PollInterval is the System Log polling interval; 0 means off.
func (e EventsConfig) PollInterval() time.Duration {
	if e.Poll == nil {
		return DefaultEventPoll
	}
	return time.Duration(*e.Poll)
}

// EventHookConfig is okta.event_hook: Okta Event Hook deliveries to
// /v1/okta/events.
type EventHookConfig struct {
	// Secret is the header value configured on the Okta Event Hook;
	// setting it turns the endpoint on.
	Secret Secret `yaml:"secret"`
	// Header is the name of the header Okta sends the secret in: the
	// Event Hook's channel.config.authScheme.key, which the admin chooses
	// (spec EventHookChannelConfigAuthScheme: "The name for the
	// authorization header"). Unset means DefaultEventHookHeader.
	Header string `yaml:"header"`
}

// DefaultEventHookHeader is the header the Okta console suggests for an
// Event Hook's secret.
const DefaultEventHookHeader = "Authorization"

// HeaderName is okta.event_hook.header, or its default.
func (h EventHookConfig) HeaderName() string {
	if h.Header == "" {
		return DefaultEventHookHeader
	}
	return h.Header
}

// UnmarshalYAML reads okta.event_hook and refuses a header name that is
// not an HTTP field name (RFC 9110 section 5.1: a token). A secret no
// header value can carry is refused by validate (checkPadding), so a
// command that uses no Event Hook is not stopped by it.
func (h *EventHookConfig) UnmarshalYAML(n *yaml.Node) error {
	type plain EventHookConfig
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	for _, c := range p.Header {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)) {
			return fmt.Errorf("okta.event_hook.header: %q is not an HTTP header name", p.Header)
		}
	}
	*h = EventHookConfig(p)
	return nil
}

// KubernetesConfig is the kubernetes section.
type KubernetesConfig struct {
	// Watch, with `kubernetes` env sources, turns an edit of a watched
	// object into a run of its target (daemon/events KubeWatches).
	Watch bool `yaml:"watch"`
}

// EventNotes are what `validate` says about change events: with an Event
// Hook, which changes Okta cannot deliver to it (source.HookIneligibleTypes)
// and what covers them.
func (c *Config) EventNotes() []string {
	if c.Okta.EventHook.Secret.IsZero() {
		return nil
	}
	types := strings.Join(source.HookIneligibleTypes, ", ")
	if c.Okta.Events.PollInterval() == 0 {
		return []string{fmt.Sprintf("okta.event_hook: Okta cannot deliver %s to an Event Hook (not event-hook-eligible in Okta's Event Types catalog), and okta.events.poll is 0s: those changes are seen only on the schedule", types)}
	}
	return []string{fmt.Sprintf("okta.event_hook: Okta cannot deliver %s to an Event Hook (not event-hook-eligible in Okta's Event Types catalog); the System Log follower (okta.events.poll %s) covers them", types, c.Okta.Events.PollInterval())}
}
