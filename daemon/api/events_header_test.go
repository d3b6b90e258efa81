package api_test

import (
	"strings"
	"testing"
)

// namedSink is a sink whose Event Hook sends the secret in a header the
// admin named (spec EventHookChannelConfigAuthScheme.key: "The name for
// the authorization header").
type namedSink struct {
	*sink
	header string
}

func (n namedSink) HookHeader() string { return n.header }

// batched is a delivery of several events, as Okta sends events "that
// occur within a short time of each other ... amalgamated in the array"
// (okta-developer-docs concepts/event-hooks); the trusted origin's URL is in
// its detailEntry, as the Event Types catalog's TrustedOriginResourceDetails
// put it.
const batched = `{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1","source":"https://acme.okta.com/api/v1/eventHooks/whoabc","eventId":"e2","data":{"events":[` +
	`{"uuid":"u1","published":"2026-11-29T00:00:00.000Z","eventType":"policy.rule.update","target":[{"id":"00pprod","type":"Policy","alternateId":"W&B","detailEntry":{"policy_type":"OAuthAuthzPolicy"}}]},` +
	`{"uuid":"u2","published":"2026-11-29T00:00:00.100Z","eventType":"security.trusted_origin.update","target":[{"id":"tos1","type":"TrustedOrigin","alternateId":"W&B","detailEntry":{"trusted_origin_url":"https://wandb.acme.com"}}]},` +
	`{"uuid":"u3","published":"2026-11-29T00:00:00.200Z","eventType":"application.lifecycle.update","target":[{"id":"0oaprod","type":"AppInstance"}]}` +
	`]},"eventTime":"2026-11-29T00:00:01.000Z","contentType":"application/json"}`

func TestAnEventHookWithAConfiguredHeaderNameDeliversABatch(t *testing.T) {
	s := &sink{secret: hookSecret}
	srv := serveEvents(t, namedSink{s, "X-Okta-Hook-Key"})
	url := srv.URL + "/v1/okta/events"
	if code, body := call(t, "POST", url, map[string]string{"Authorization": hookSecret}, batched); code != 401 || !strings.Contains(body, "X-Okta-Hook-Key") {
		t.Errorf("the secret in Authorization when the hook names X-Okta-Hook-Key: %d %s, want 401 naming the header", code, body)
	}
	if code, body := call(t, "POST", url, map[string]string{"X-Okta-Hook-Key": hookSecret}, batched); code != 200 {
		t.Fatalf("a batched delivery with the secret in the named header: %d %s", code, body)
	}
	got := s.events()
	if len(got) != 3 || got[0].EventType != "policy.rule.update" || got[2].UUID != "u3" {
		t.Fatalf("delivered %+v; want the batch's three events in order", got)
	}
	if got[1].Target[0].DetailEntry["trusted_origin_url"] != "https://wandb.acme.com" || got[0].Target[0].DetailEntry["policy_type"] != "OAuthAuthzPolicy" {
		t.Errorf("detailEntry not kept: %+v", got)
	}
}
