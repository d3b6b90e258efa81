package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/okta/okta-sdk-golang/v2/okta"
)

// ChangeEventTypes are the System Log event types about the Okta objects
// driftd checks: the app, its user and group assignments, trusted origins,
// authorization servers and their policies and rules. Names from
// okta/okta-developer-docs packages/@okta/vuepress-site/docs/reference/api/
// system-log/index.md ("Application event", "Policy events") and Okta's
// Event Types catalog (okta-developer-docs .../reference/api/event-types/
// index.md): application.*, group.application_assignment.*,
// security.trusted_origin.*, oauth2.as.*, policy.lifecycle.*, policy.rule.*.
var ChangeEventTypes = []string{
	"application.lifecycle.create", "application.lifecycle.update", "application.lifecycle.activate",
	"application.lifecycle.deactivate", "application.lifecycle.delete",
	"application.user_membership.add", "application.user_membership.remove",
	"group.application_assignment.add", "group.application_assignment.remove", "group.application_assignment.update",
	"security.trusted_origin.create", "security.trusted_origin.update", "security.trusted_origin.delete",
	"security.trusted_origin.activate", "security.trusted_origin.deactivate",
	"oauth2.as.updated", "oauth2.as.activated", "oauth2.as.deactivated", "oauth2.as.deleted",
	"policy.lifecycle.create", "policy.lifecycle.update", "policy.lifecycle.activate", "policy.lifecycle.deactivate",
	"policy.lifecycle.delete",
	"policy.rule.add", "policy.rule.update", "policy.rule.activate", "policy.rule.deactivate", "policy.rule.delete",
}

// HookIneligibleTypes are the ChangeEventTypes an Okta Event Hook cannot
// carry: those without the event-hook-eligible tag in Okta's Event Types
// catalog (okta/okta-developer-docs packages/@okta/vuepress-site/data/
// event-types.json, release 2026.08.1). Only the System Log follower
// sees them.
var HookIneligibleTypes = []string{
	"oauth2.as.updated", "oauth2.as.activated", "oauth2.as.deactivated", "oauth2.as.deleted",
	"policy.lifecycle.create", "policy.lifecycle.delete",
}

// ChangeFilter is the System Log filter expression selecting
// ChangeEventTypes (SCIM syntax: `eventType eq "…" or …`, system-log/
// index.md, "Expression filter").
func ChangeFilter() string {
	parts := make([]string, len(ChangeEventTypes))
	for i, t := range ChangeEventTypes {
		parts[i] = `eventType eq "` + t + `"`
	}
	return strings.Join(parts, " or ")
}

// LogEvent is a System Log event as driftd needs it: what happened, when,
// and to which objects.
type LogEvent struct {
	UUID      string
	EventType string
	Published time.Time
	Targets   []LogTarget
}

// LogTarget is one object an event acted on (an app, a group, a trusted
// origin, an authorization server, a policy, a rule).
type LogTarget struct {
	ID, Type, AlternateID string
	// Details is the target's detailEntry, its string values only: the
	// catalog's TrustedOriginResourceDetails (trusted_origin_url, …) and
	// PolicyResourceDetails (policy_type, …).
	Details map[string]string
}

// DetailStrings keeps the string values of a LogTarget detailEntry.
func DetailStrings(entry any) map[string]string {
	m, ok := entry.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// LogCursor is where a System Log reader resumes: Okta's opaque `after`
// value from the last next link (the last event examined), and the `since`
// the polling query began with.
type LogCursor struct {
	Since time.Time `json:"since"`
	After string    `json:"after,omitempty"`
}

// LogPage is one answer of GET /api/v1/logs.
type LogPage struct {
	Events []LogEvent
	// Next is where the following request resumes.
	Next LogCursor
	// Full says the page held limit events, so more may be waiting now.
	Full bool
}

// ErrLogCursorInvalid means Okta refused the cursor (400 on `after`, e.g.
// one older than the System Log's 90-day retention); the caller starts
// afresh after a full pass.
var ErrLogCursorInvalid = errors.New("Okta refused the System Log cursor")

// ReadLog makes one polling request for the System Log (ASCENDING, no
// `until`) from cur, through the SDK client's RequestExecutor, so the
// request carries the same auth, retry and rate budget as the app reads.
// It does not follow the next link itself: the caller decides whether a
// full page is worth another request now.
func (r *OktaReader) ReadLog(ctx context.Context, cur LogCursor, filter string, limit int) (LogPage, error) {
	q := url.Values{}
	q.Set("since", cur.Since.UTC().Format("2006-01-02T15:04:05.000Z"))
	if cur.After != "" {
		q.Set("after", cur.After)
	}
	if filter != "" {
		q.Set("filter", filter)
	}
	q.Set("limit", strconv.Itoa(limit))
	rq := r.client.CloneRequestExecutor()
	req, err := rq.WithAccept("application/json").NewRequest(http.MethodGet, "/api/v1/logs?"+q.Encode(), nil)
	if err != nil {
		// With a service app the SDK fetches its access token here; the
		// failed token request's URL carries the signed client assertion.
		if e := r.tokenFailure("reading the System Log", err); e != nil {
			return LogPage{}, e
		}
		return LogPage{}, fmt.Errorf("building the System Log request: %w", scrubURL(err))
	}
	var evs []*okta.LogEvent
	resp, err := rq.Do(ctx, req, &evs)
	if err != nil {
		if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusBadRequest && cur.After != "" {
			return LogPage{}, fmt.Errorf("reading the System Log after %s: %w: %v", cur.After, ErrLogCursorInvalid, err)
		}
		return LogPage{}, r.explainLog(resp, err)
	}
	if evs == nil {
		// Not "no events": the cursor would stay, but a broken answer is an error.
		return LogPage{}, fmt.Errorf("reading the System Log: %w", errNotAList)
	}
	page := LogPage{Next: cur, Full: len(evs) >= limit && limit > 0}
	for _, e := range evs {
		if e == nil {
			continue
		}
		page.Events = append(page.Events, logEventFromSDK(e))
	}
	// A polling request's next link always carries the cursor for the next
	// poll (system-log/index.md, "Polling requests"); keep ours if it has none.
	if resp.HasNextPage() {
		if u, err := url.Parse(resp.NextPage); err == nil {
			if a := u.Query().Get("after"); a != "" {
				page.Next.After = a
			}
		}
	}
	return page, nil
}

// explainLog says why reading the System Log failed, in the same words as
// every other Okta read (which credential, and for a service app which
// scope, okta.logs.read, it lacks), except that a 404 names no missing
// object: the log itself did not answer.
func (r *OktaReader) explainLog(resp *okta.Response, err error) error {
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("reading the System Log: Okta answered 404: %w", err)
	}
	return r.explainRead("reading the System Log", "okta.logs.read", "the System Log", resp, err)
}

func logEventFromSDK(e *okta.LogEvent) LogEvent {
	out := LogEvent{UUID: e.Uuid, EventType: e.EventType}
	if e.Published != nil {
		out.Published = *e.Published
	}
	for _, t := range e.Target {
		if t != nil {
			out.Targets = append(out.Targets, LogTarget{ID: t.Id, Type: t.Type, AlternateID: t.AlternateId, Details: DetailStrings(t.DetailEntry)})
		}
	}
	return out
}
