package api

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// OktaEvents is where Okta Event Hook deliveries go.
type OktaEvents interface {
	// HookSecret is okta.event_hook.secret now (it follows reloads); empty
	// turns the endpoint off.
	HookSecret() string
	// Deliver queues the events of one delivery and returns at once.
	Deliver(source string, evs []OktaEvent)
}

// HookHeaderNamer is an OktaEvents that names the header Okta sends the
// secret in (okta.event_hook.header); without it, Authorization.
type HookHeaderNamer interface {
	HookHeader() string
}

func hookHeader(ev OktaEvents) string {
	if n, ok := ev.(HookHeaderNamer); ok && n.HookHeader() != "" {
		return n.HookHeader()
	}
	return "Authorization"
}

// OktaEvent is one System Log event of an Event Hook delivery.
type OktaEvent struct {
	UUID      string        `json:"uuid"`
	EventType string        `json:"eventType"`
	Published time.Time     `json:"published"`
	Target    []OktaEventOf `json:"target"`
}

// OktaEventOf is one object an event acted on.
type OktaEventOf struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	AlternateID string `json:"alternateId"`
	// DetailEntry holds what the catalog's *ResourceDetails name, e.g.
	// trusted_origin_url or policy_type.
	DetailEntry map[string]any `json:"detailEntry"`
}

// hookDelivery is the body Okta POSTs to an Event Hook
// (developer.okta.com/use_cases/event_hooks, from okta/okta-developer-docs,
// "Sample Event Delivery Payload": eventType com.okta.event_hook, source,
// data.events[] of LogEvent objects; the shape internal/oktasim delivers).
type hookDelivery struct {
	EventType string `json:"eventType"`
	Source    string `json:"source"`
	Data      *struct {
		Events []OktaEvent `json:"events"`
	} `json:"data"`
}

// maxDelivery bounds a delivery's body: a batch of LogEvents is a few KiB
// each, so 1 MiB leaves ample room and refuses anything else.
const maxDelivery = 1 << 20

// oktaEvents serves GET and POST /v1/okta/events. Both require the
// configured secret as the whole value of the configured header, which is
// what Okta sends (EventHookChannelConfigAuthScheme: key, "The name for the
// authorization header", type HEADER, in okta/okta-management-openapi-spec).
// A delivery carries one or more events (data.events), all queued, never
// run inline, so the answer comes well within Okta's 3 seconds. A wrong
// secret counts in the credential throttle, which refuses a throttled
// address before anything is compared or read.
func oktaEvents(ev OktaEvents, throttle *loginThrottle) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			writeError(w, http.StatusMethodNotAllowed, "use GET (verification) or POST (deliveries)")
			return
		}
		secret := ev.HookSecret()
		if secret == "" {
			writeError(w, http.StatusNotFound, "okta.event_hook.secret is not configured")
			return
		}
		client := clientOf(r)
		if throttle.refuseThrottled(w, client) {
			return
		}
		header := hookHeader(ev)
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(header)), []byte(secret)) != 1 {
			throttle.fail(client)
			writeError(w, http.StatusUnauthorized, "missing or invalid "+header+" header")
			return
		}
		if r.Method == http.MethodGet {
			verify(w, r)
			return
		}
		deliver(w, r, ev)
	})
}

// verify answers Okta's one-time verification: the value of the
// X-Okta-Verification-Challenge header, echoed as {"verification": "…"}
// (developer.okta.com/use_cases/event_hooks, "One-time verification
// request").
func verify(w http.ResponseWriter, r *http.Request) {
	challenge := r.Header.Get("X-Okta-Verification-Challenge")
	if challenge == "" {
		writeError(w, http.StatusBadRequest, "no X-Okta-Verification-Challenge header")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"verification": challenge})
}

func deliver(w http.ResponseWriter, r *http.Request, ev OktaEvents) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDelivery))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("delivery body larger than %d bytes", maxDelivery))
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, "delivery body not received in time")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "reading the delivery body failed")
		return
	}
	var d hookDelivery
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&d); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("malformed delivery: %v", err))
		return
	}
	if d.Data == nil {
		writeError(w, http.StatusBadRequest, "malformed delivery: no data.events")
		return
	}
	ev.Deliver(d.Source, d.Data.Events)
	w.WriteHeader(http.StatusOK)
}
