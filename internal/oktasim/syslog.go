package oktasim

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// LogEvent is a System Log event in Okta's JSON shape
// (okta/okta-sdk-golang v2.20.0 okta/logEvent.go; okta/okta-developer-docs
// packages/@okta/vuepress-site/docs/reference/api/system-log/index.md,
// "Example LogEvent object").
type LogEvent struct {
	UUID            string          `json:"uuid"`
	Published       string          `json:"published"`
	EventType       string          `json:"eventType"`
	Version         string          `json:"version"`
	Severity        string          `json:"severity"`
	LegacyEventType string          `json:"legacyEventType,omitempty"`
	DisplayMessage  string          `json:"displayMessage"`
	Actor           LogActor        `json:"actor"`
	Client          LogClient       `json:"client"`
	Outcome         LogOutcome      `json:"outcome"`
	Target          []LogTarget     `json:"target"`
	Transaction     LogTransaction  `json:"transaction"`
	DebugContext    LogDebugContext `json:"debugContext"`

	at time.Time
}

// LogActor is the entity that made a change.
type LogActor struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	AlternateID string `json:"alternateId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// LogTarget is an entity a change acted on. DetailEntry holds the
// properties of the event type's target schema in Okta's Event Types
// catalog (okta/okta-developer-docs packages/@okta/vuepress-site/data/
// event-types.json, "schemas"): TrustedOriginResourceDetails
// (trusted_origin_url, trusted_origin_status, trusted_origin_scopes),
// PolicyResourceDetails (policy_type).
type LogTarget struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	AlternateID string         `json:"alternateId,omitempty"`
	DisplayName string         `json:"displayName,omitempty"`
	DetailEntry map[string]any `json:"detailEntry,omitempty"`
}

// LogClient is the client that made the request.
type LogClient struct {
	Zone      string            `json:"zone,omitempty"`
	Device    string            `json:"device,omitempty"`
	UserAgent map[string]string `json:"userAgent,omitempty"`
	IPAddress string            `json:"ipAddress,omitempty"`
}

// LogOutcome is the result of the action.
type LogOutcome struct {
	Result string `json:"result"`
	Reason string `json:"reason,omitempty"`
}

// LogTransaction groups the events of one request.
type LogTransaction struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// LogDebugContext carries request details.
type LogDebugContext struct {
	DebugData map[string]any `json:"debugData,omitempty"`
}

// consoleAdmin is the actor of changes made through the SSWS token or the
// admin-edit helpers.
var consoleAdmin = LogActor{ID: "00usimadmin0000000", Type: "User", AlternateID: "admin@okta.sim.test", DisplayName: "Sim Admin"}

// displayMessages of the event types the simulator records. Event type
// names: application.* and policy.* from okta/okta-developer-docs
// .../reference/api/system-log/index.md ("Application event", "Policy
// events"); group.application_assignment.*, security.trusted_origin.* and
// oauth2.as.* from Okta's Event Types catalog
// (developer.okta.com/docs/reference/api/event-types, the data behind
// okta/okta-developer-docs .../reference/api/event-types/index.md). Okta
// logs changes to authorization server policies and rules as policy.*
// events with the policy in target (system-log/index.md, "Policy event
// details"). policy.rule.delete is in the same catalog (SigmaHQ/sigma
// rules/cloud/okta/okta_policy_rule_modified_or_deleted.yml selects it).
var displayMessages = map[string]string{
	"application.lifecycle.create":        "Create application",
	"application.lifecycle.update":        "Update application",
	"application.lifecycle.activate":      "Activate application",
	"application.lifecycle.deactivate":    "Deactivate application",
	"application.lifecycle.delete":        "Delete application",
	"application.user_membership.add":     "Add user to application membership",
	"application.user_membership.remove":  "Remove users application membership",
	"group.application_assignment.add":    "Add assigned application to group",
	"group.application_assignment.remove": "Remove assigned application from group",
	"group.application_assignment.update": "Update assigned application in group",
	"security.trusted_origin.create":      "Create trusted origin",
	"security.trusted_origin.update":      "Update trusted origin",
	"security.trusted_origin.delete":      "Delete trusted origin",
	"security.trusted_origin.activate":    "Activate trusted origin",
	"security.trusted_origin.deactivate":  "Deactivate trusted origin",
	"oauth2.as.updated":                   "Update authorization server",
	"oauth2.as.activated":                 "Activate authorization server",
	"oauth2.as.deactivated":               "Deactivate authorization server",
	"oauth2.as.deleted":                   "Delete authorization server",
	"policy.lifecycle.create":             "Create policy",
	"policy.lifecycle.update":             "Update policy",
	"policy.lifecycle.activate":           "Activate policy",
	"policy.lifecycle.deactivate":         "Deactivate policy",
	"policy.lifecycle.delete":             "Delete policy",
	"policy.rule.add":                     "Add policy rule",
	"policy.rule.update":                  "Update policy rule",
	"policy.rule.activate":                "Activate policy rule",
	"policy.rule.deactivate":              "Deactivate policy rule",
	"policy.rule.delete":                  "Delete policy rule",
}

type eventLog struct {
	events []LogEvent
	byUUID map[string]int
}

// recordLocked appends a System Log event and hands it to the Event Hooks.
// s.mu must be held.
func (s *Server) recordLocked(eventType string, actor LogActor, targets ...LogTarget) {
	now := s.now().UTC()
	ev := LogEvent{
		UUID: newUUID(), Published: now.Format("2006-01-02T15:04:05.000Z"), at: now,
		EventType: eventType, Version: "0", Severity: "INFO", DisplayMessage: displayMessages[eventType],
		Actor:   actor,
		Client:  LogClient{Zone: "null", Device: "Unknown", IPAddress: "127.0.0.1", UserAgent: map[string]string{"rawUserAgent": "oktasim", "os": "Unknown", "browser": "UNKNOWN"}},
		Outcome: LogOutcome{Result: "SUCCESS"}, Target: targets,
		Transaction: LogTransaction{Type: "WEB", ID: requestID()[1:]},
	}
	if s.log.byUUID == nil {
		s.log.byUUID = map[string]int{}
	}
	s.log.byUUID[ev.UUID] = len(s.log.events)
	s.log.events = append(s.log.events, ev)
	s.deliverLocked(ev)
}

// Events returns a copy of the System Log.
func (s *Server) Events() []LogEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEvent(nil), s.log.events...)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

type logQuery struct {
	since, until time.Time
	bounded      bool
	after        int // index of the last event already returned; -1 for none
	limit        int
	descending   bool
	match        func(*LogEvent) bool
}

// parseLogQuery reads the parameters of GET /api/v1/logs (spec: listLogEvents):
// since (default 7 days before until), until (default now), after (the
// opaque cursor of a next link), filter, limit (0..1000, default 100),
// sortOrder (ASCENDING default).
func (s *Server) parseLogQuery(q url.Values) (logQuery, *APIError) {
	lq := logQuery{until: s.now().UTC(), after: -1, limit: 100, match: func(*LogEvent) bool { return true }}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"until", &lq.until}, {"since", &lq.since}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				// okta-developer-docs system-log/index.md "Errors".
				return lq, &APIError{Status: 400, Code: "E0000001",
					Summary: fmt.Sprintf("Api validation failed: '%[1]s': The date format in your query is not recognized. Please enter dates using ISO8601 string format.. '%[1]s': must be a valid date-time or empty.", p.name),
					Causes:  []string{p.name + ": The date format in your query is not recognized. Please enter dates using ISO8601 string format.", p.name + ": must be a valid date-time or empty."}}
			}
			*p.dst = t
		}
	}
	lq.bounded = q.Get("until") != ""
	if q.Get("since") == "" {
		lq.since = lq.until.Add(-7 * 24 * time.Hour)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return lq, validationError("limit", "limit: must be an integer between 0 and 1000")
		}
		lq.limit = n
	}
	switch q.Get("sortOrder") {
	case "", "ASCENDING":
	case "DESCENDING":
		lq.descending = true
	default:
		return lq, validationError("sortOrder", "sortOrder: 'sortOrder' is invalid. Valid values: [ASCENDING, DESCENDING]")
	}
	if f := q.Get("filter"); f != "" {
		m, err := parseFilter(f)
		if err != nil {
			return lq, err
		}
		lq.match = m
	}
	if a := q.Get("after"); a != "" {
		i, ok := s.log.byUUID[a]
		if !ok {
			return lq, validationError("after", "after: The cursor is invalid.")
		}
		lq.after = i
	}
	return lq, nil
}

// listLogs serves GET /api/v1/logs. A polling request (no until,
// ASCENDING) always carries a next link, even with no events; a bounded
// one has a next link only while events remain (okta-developer-docs
// system-log/index.md, "Polling requests", "Bounded requests").
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lq, err := s.parseLogQuery(r.URL.Query())
	if err != nil {
		writeAPIError(w, err)
		return
	}
	page, last, more := s.selectEvents(lq)
	// Links as separate header values: okta-sdk-golang's newResponse
	// (okta/requestExecutor.go) reads each Link value on its own.
	w.Header().Add("Link", "<"+s.URL+r.URL.RequestURI()+`>; rel="self"`)
	polling := !lq.bounded && !lq.descending
	if more || polling {
		q := r.URL.Query()
		if last >= 0 {
			q.Set("after", s.log.events[last].UUID)
		}
		w.Header().Add("Link", "<"+s.URL+"/api/v1/logs?"+q.Encode()+`>; rel="next"`)
	}
	writeValue(w, http.StatusOK, page)
}

// selectEvents returns a page, the index of the last event examined (the
// next cursor; -1 when none) and whether more events may follow.
func (s *Server) selectEvents(lq logQuery) ([]LogEvent, int, bool) {
	page := []LogEvent{}
	evs := s.log.events
	last := lq.after
	step, i := 1, lq.after+1
	if lq.descending {
		step, i = -1, len(evs)-1
		if lq.after >= 0 {
			i = lq.after - 1
		}
	}
	for ; i >= 0 && i < len(evs); i += step {
		ev := &evs[i]
		if ev.at.Before(lq.since) || !ev.at.Before(lq.until) && lq.bounded || !lq.match(ev) {
			last = i
			continue
		}
		if len(page) == lq.limit {
			return page, last, true
		}
		page = append(page, *ev)
		last = i
	}
	return page, last, false
}
