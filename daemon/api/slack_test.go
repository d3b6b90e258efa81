package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

const slackSecret = "signing-never-printed"

// fakeApprovals is the daemon's approval path as the endpoint sees it: plan
// p1 of target prod waits for approval.
type fakeApprovals struct {
	mu       sync.Mutex
	slack    *config.SlackConfig
	approved []string
	refused  []string
}

func newFakeApprovals(approvers ...string) *fakeApprovals {
	return &fakeApprovals{slack: &config.SlackConfig{SigningSecret: config.NewSecret(slackSecret), Approvers: approvers}}
}

func (f *fakeApprovals) Slack() *config.SlackConfig               { return f.slack }
func (f *fakeApprovals) PendingPlan(planID string) (string, bool) { return "prod", planID == "p1" }
func (f *fakeApprovals) Approve(planID, target string, user report.Approver) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.approved = append(f.approved, planID+" of "+target+" by "+user.ID+" ("+user.Name+")")
}
func (f *fakeApprovals) Refuse(target, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refused = append(f.refused, target+": "+userID)
}

// signedClick is a click of actionID on plan planID by userID, signed as
// Slack signs it (v0 HMAC-SHA256 of "v0:timestamp:body") at time at.
func signedClick(secret, actionID, planID, userID, userName string, at time.Time) *http.Request {
	cb := map[string]any{"type": "block_actions", "user": map[string]string{"id": userID, "name": userName},
		"actions": []map[string]string{{"type": "button", "action_id": actionID, "value": planID, "block_id": "driftd_actions"}}}
	payload, _ := json.Marshal(cb)
	return signed(secret, "payload="+url.QueryEscape(string(payload)), at)
}

// signed is a POST of body to the endpoint, signed with secret at time at.
func signed(secret, body string, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req := httptest.NewRequest("POST", "/v1/slack/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

func serve(h http.Handler, req *http.Request) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func slackHandler(fa *fakeApprovals) http.Handler {
	return NewHandler(&fakeBackend{}, NewMetrics(), Options{SlackApprovals: fa})
}

func TestApproversAreMatchedByUserIDOnly(t *testing.T) {
	fa := newFakeApprovals("U012APPROVER")
	h := slackHandler(fa)
	now := time.Now()
	if code, body := serve(h, signedClick(slackSecret, report.ApplyActionID, "p1", "UEVIL", "U012APPROVER", now)); code != http.StatusForbidden || len(fa.approved) != 0 {
		t.Fatalf("a user named like an approver: %d %s, approved %v", code, body, fa.approved)
	}
	if len(fa.refused) != 1 || fa.refused[0] != "prod: UEVIL" {
		t.Errorf("the refusal in the thread = %v; want the clicker's id in prod's thread", fa.refused)
	}
	if code, body := serve(h, signedClick(slackSecret, report.ApplyActionID, "p1", "U012APPROVER", "alice", now)); code != http.StatusOK || len(fa.approved) != 1 || !strings.Contains(body, "Applying plan `p1`") {
		t.Fatalf("the approver's own click: %d %s, approved %v", code, body, fa.approved)
	}
	if fa.approved[0] != "p1 of prod by U012APPROVER (alice)" {
		t.Errorf("the approval = %q; want the id that was authorised and the name Slack gave", fa.approved[0])
	}
}

// TestOnlyASignedFreshFirstClickOnAPendingPlanApplies: each refusal leaves
// nothing approved.
func TestOnlyASignedFreshFirstClickOnAPendingPlanApplies(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		req    *http.Request
		status int
		answer string
	}{
		{"a click signed with another secret is refused", signedClick("wrong-secret", report.ApplyActionID, "p1", "UALICE", "alice", now), 401, "invalid Slack signature"},
		{"a click signed more than 5 minutes ago is refused", signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now.Add(-6*time.Minute)), 401, "invalid Slack signature"},
		{"a click on a plan no longer waiting applies nothing", signedClick(slackSecret, report.ApplyActionID, "p0", "UALICE", "alice", now), 200, "no longer waiting for approval; nothing was applied"},
		{"a click on another button applies nothing", signedClick(slackSecret, "another_action", "p1", "UALICE", "alice", now), 200, "nothing to do"},
		{"a signed body whose payload is no JSON is refused", signed(slackSecret, "payload=%7Bnot-json", now), 400, "malformed interaction payload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fa := newFakeApprovals("UALICE")
			code, body := serve(slackHandler(fa), tc.req)
			if code != tc.status || !strings.Contains(body, tc.answer) || len(fa.approved) != 0 {
				t.Errorf("%d %s, approved %v; want %d %q and nothing approved", code, body, fa.approved, tc.status, tc.answer)
			}
			if strings.Contains(body, slackSecret) {
				t.Errorf("the answer shows the signing secret: %s", body)
			}
		})
	}
}

func TestASignedClickCannotBeReplayed(t *testing.T) {
	fa := newFakeApprovals("UALICE")
	h := slackHandler(fa)
	now := time.Now()
	click := func() *http.Request {
		return signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now)
	}
	if code, body := serve(h, click()); code != 200 {
		t.Fatalf("the first click: %d %s", code, body)
	}
	if code, body := serve(h, click()); code != 401 || !strings.Contains(body, "replayed Slack request") {
		t.Errorf("the same signed click again: %d %s; want 401 replayed", code, body)
	}
	if len(fa.approved) != 1 {
		t.Errorf("approved %v; want the first click only", fa.approved)
	}
}

func TestTheSlackEndpointIsOffWithoutASigningSecret(t *testing.T) {
	for name, sc := range map[string]*config.SlackConfig{"no slack section": nil, "no signing_secret": {Approvers: []string{"UALICE"}}} {
		t.Run(name, func(t *testing.T) {
			fa := newFakeApprovals("UALICE")
			fa.slack = sc
			code, body := serve(slackHandler(fa), signedClick("", report.ApplyActionID, "p1", "UALICE", "alice", time.Now()))
			if code != http.StatusNotFound || !strings.Contains(body, "slack.signing_secret") || len(fa.approved) != 0 {
				t.Errorf("%d %s, approved %v; want 404 naming slack.signing_secret", code, body, fa.approved)
			}
		})
	}
}

// TestGuessingTheSigningSecretIsThrottled: wrong signatures count in the
// credential throttle, so after maxLoginFailures of them even a valid click
// from that address is refused (429) and applies nothing; another address
// is not affected.
func TestGuessingTheSigningSecretIsThrottled(t *testing.T) {
	fa := newFakeApprovals("UALICE")
	h := slackHandler(fa)
	now := time.Now()
	for i := range maxLoginFailures {
		if code, _ := serve(h, signedClick(fmt.Sprintf("guess-%d", i), report.ApplyActionID, "p1", "UALICE", "alice", now)); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d; want 401", i, code)
		}
	}
	if code, body := serve(h, signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now)); code != http.StatusTooManyRequests || len(fa.approved) != 0 {
		t.Fatalf("a valid click from the guessing address: %d %s, approved %v; want 429 and nothing applied", code, body, fa.approved)
	}
	other := signedClick(slackSecret, report.ApplyActionID, "p1", "UALICE", "alice", now.Add(time.Second))
	other.RemoteAddr = "192.0.2.7:443"
	if code, body := serve(h, other); code != http.StatusOK || len(fa.approved) != 1 {
		t.Fatalf("a valid click from another address: %d %s, approved %v", code, body, fa.approved)
	}
}
