package oktasim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// hookEligible are the event types the simulator records that Okta can
// deliver to an Event Hook: those tagged event-hook-eligible in Okta's
// Event Types catalog (okta/okta-developer-docs packages/@okta/
// vuepress-site/data/event-types.json, release 2026.08.1). oauth2.as.*,
// policy.lifecycle.create and policy.lifecycle.delete lack the tag: Okta
// logs them in the System Log only.
var hookEligible = map[string]bool{
	"application.lifecycle.create": true, "application.lifecycle.update": true, "application.lifecycle.activate": true,
	"application.lifecycle.deactivate": true, "application.lifecycle.delete": true,
	"application.user_membership.add": true, "application.user_membership.remove": true,
	"group.application_assignment.add": true, "group.application_assignment.remove": true, "group.application_assignment.update": true,
	"security.trusted_origin.create": true, "security.trusted_origin.update": true, "security.trusted_origin.delete": true,
	"security.trusted_origin.activate": true, "security.trusted_origin.deactivate": true,
	"policy.lifecycle.update": true, "policy.lifecycle.activate": true, "policy.lifecycle.deactivate": true,
	"policy.rule.add": true, "policy.rule.update": true, "policy.rule.activate": true, "policy.rule.deactivate": true,
	"policy.rule.delete": true,
}

// HookEligible reports whether Okta can deliver eventType to an Event Hook.
func HookEligible(eventType string) bool { return hookEligible[eventType] }

// maxHookBatch bounds the events of one delivery.
const maxHookBatch = 50

// EventHook is an Event Hook as an admin registers it (spec EventHook:
// events.items, channel.config.uri, channel.config.authScheme key/value).
type EventHook struct {
	URL string
	// Header is authScheme.key, "The name for the authorization header";
	// "" is Authorization.
	Header string
	Secret string
	// Events are the subscribed event types; each must be hook-eligible.
	Events []string
}

// eventHook is one registered hook: events are delivered in order by one
// goroutine per hook.
type eventHook struct {
	id    string
	cfg   EventHook
	queue chan LogEvent
}

// EventHookPayload is the body Okta POSTs to an Event Hook
// (okta/okta-developer-docs event hooks concept page, "Sample Event
// Delivery Payload"). That sample spells the id "eventID"; deliveries
// captured from real orgs spell it "eventId", which the simulator sends.
type EventHookPayload struct {
	EventType          string `json:"eventType"`
	EventTypeVersion   string `json:"eventTypeVersion"`
	CloudEventsVersion string `json:"cloudEventsVersion"`
	Source             string `json:"source"`
	EventID            string `json:"eventId"`
	EventTime          string `json:"eventTime"`
	ContentType        string `json:"contentType"`
	Data               struct {
		Events []LogEvent `json:"events"`
	} `json:"data"`
}

// DeliverEventHooks registers an Event Hook at url subscribed to every
// hook-eligible event type the simulator records, its secret sent in the
// Authorization header.
func (s *Server) DeliverEventHooks(url, secret string) {
	var all []string
	for t := range hookEligible {
		all = append(all, t)
	}
	slices.Sort(all)
	if err := s.AddEventHook(EventHook{URL: url, Secret: secret, Events: all}); err != nil {
		panic(err) // every type listed is eligible
	}
}

// AddEventHook registers an Event Hook. Okta delivers only the subscribed
// types, and refuses a subscription to a type that is not hook-eligible.
// Events "that occur within a short time of each other are amalgamated in
// the array" data.events (okta-developer-docs concepts/event-hooks): each
// delivery carries the events queued since the previous one, up to
// maxHookBatch. Deliveries run in order in the background; Close waits
// for them.
func (s *Server) AddEventHook(cfg EventHook) error {
	for _, t := range cfg.Events {
		if !hookEligible[t] {
			return fmt.Errorf("event hook for %s: %s is not an event-hook-eligible event type", cfg.URL, t)
		}
	}
	if cfg.Header == "" {
		cfg.Header = "Authorization"
	}
	h := &eventHook{id: newID("who"), cfg: cfg, queue: make(chan LogEvent, 4096)}
	s.mu.Lock()
	s.hooks = append(s.hooks, *h)
	s.mu.Unlock()
	s.hookWG.Add(1)
	go func() {
		defer s.hookWG.Done()
		// Okta waits 3 seconds for an Event Hook's answer (the limit the
		// contract's section 10 cites).
		client := &http.Client{Timeout: 3 * time.Second}
		for ev := range h.queue {
			s.hookGate.wait()
			s.post(client, h, drain(ev, h.queue))
		}
	}()
	return nil
}

// drain is first and whatever else is queued now, up to maxHookBatch.
func drain(first LogEvent, q chan LogEvent) []LogEvent {
	batch := []LogEvent{first}
	for len(batch) < maxHookBatch {
		select {
		case ev, ok := <-q:
			if !ok {
				return batch
			}
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

// HoldEventHooks stops deliveries until release is called: events recorded
// meanwhile go out together, as Okta amalgamates events close in time.
func (s *Server) HoldEventHooks() (release func()) {
	s.hookGate.hold()
	return s.hookGate.release
}

// hookGate holds deliveries while a test makes several changes.
type hookGate struct {
	mu   sync.Mutex
	open chan struct{} // nil: not held
}

func (g *hookGate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = make(chan struct{})
	}
}

func (g *hookGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != nil {
		close(g.open)
		g.open = nil
	}
}

func (g *hookGate) wait() {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	if open != nil {
		<-open
	}
}

// deliverLocked queues an event for every Event Hook subscribed to its
// type; s.mu must be held.
func (s *Server) deliverLocked(ev LogEvent) {
	for _, h := range s.hooks {
		if !hookEligible[ev.EventType] || !slices.Contains(h.cfg.Events, ev.EventType) {
			continue
		}
		select {
		case h.queue <- ev:
		default: // a stalled receiver must not block the API
		}
	}
}

func (s *Server) post(client *http.Client, h *eventHook, evs []LogEvent) {
	p := EventHookPayload{
		EventType: "com.okta.event_hook", EventTypeVersion: "1.0", CloudEventsVersion: "0.1",
		Source: s.URL + "/api/v1/eventHooks/" + h.id, EventID: newUUID(),
		EventTime: s.now().UTC().Format("2006-01-02T15:04:05.000Z"), ContentType: "application/json",
	}
	p.Data.Events = evs
	body, _ := json.Marshal(p)
	req, err := http.NewRequest(http.MethodPost, h.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(h.cfg.Header, h.cfg.Secret)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
}

// stopHooks ends the delivery goroutines once their queues drain.
func (s *Server) stopHooks() {
	s.hookGate.release()
	s.mu.Lock()
	hooks := s.hooks
	s.hooks = nil
	s.mu.Unlock()
	for _, h := range hooks {
		close(h.queue)
	}
}
