package config

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
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
	// Secret is the Authorization header value configured on the Okta
	// Event Hook; setting it turns the endpoint on.
	Secret Secret `yaml:"secret"`
}

// KubernetesConfig is the kubernetes section.
type KubernetesConfig struct {
	// Watch, with `kubernetes` env sources, turns an edit of a watched
	// object into a run of its target (daemon/events KubeWatches).
	Watch bool `yaml:"watch"`
}
