package oktasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// eventHook is one Event Hook target: events are delivered in order by one
// goroutine per target.
type eventHook struct {
	id     string
	url    string
	secret string
	queue  chan LogEvent
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

// DeliverEventHooks makes the simulator deliver every System Log event it
// records from now on to url, as an Okta Event Hook whose authorization
// header value is secret (Okta sends the configured secret as the value of
// the `Authorization` header: spec EventHookChannelConfigAuthScheme, key
// Authorization, type HEADER). Deliveries run in order in the background;
// Close waits for them.
func (s *Server) DeliverEventHooks(url, secret string) {
	h := &eventHook{id: newID("who"), url: url, secret: secret, queue: make(chan LogEvent, 4096)}
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
			s.post(client, h, ev)
		}
	}()
}

// deliverLocked queues an event for every Event Hook; s.mu must be held.
func (s *Server) deliverLocked(ev LogEvent) {
	for _, h := range s.hooks {
		select {
		case h.queue <- ev:
		default: // a stalled receiver must not block the API
		}
	}
}

func (s *Server) post(client *http.Client, h *eventHook, ev LogEvent) {
	p := EventHookPayload{
		EventType: "com.okta.event_hook", EventTypeVersion: "1.0", CloudEventsVersion: "0.1",
		Source: s.URL + "/api/v1/eventHooks/" + h.id, EventID: newUUID(),
		EventTime: s.now().UTC().Format("2006-01-02T15:04:05.000Z"), ContentType: "application/json",
	}
	p.Data.Events = []LogEvent{ev}
	body, _ := json.Marshal(p)
	req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", h.secret)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
	}
}

// stopHooks ends the delivery goroutines once their queues drain.
func (s *Server) stopHooks() {
	s.mu.Lock()
	hooks := s.hooks
	s.hooks = nil
	s.mu.Unlock()
	for _, h := range hooks {
		close(h.queue)
	}
}
