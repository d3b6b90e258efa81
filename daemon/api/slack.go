package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// SlackApprovals is the daemon's approval path as the Slack endpoint sees
// it; the Slack client side (messages, thread replies) stays with the
// notifier, behind the daemon.
type SlackApprovals interface {
	// Slack is the slack section now (it follows reloads); nil, or no
	// signing_secret, turns the endpoint off.
	Slack() *config.SlackConfig
	// PendingPlan returns the target of a plan waiting for approval.
	PendingPlan(planID string) (target string, ok bool)
	// Approve applies an approved plan in the background and reports in
	// the alert's thread.
	Approve(planID, target string, user report.Approver)
	// Refuse says in target's thread that userID, who is not in
	// slack.approvers, clicked "Apply fix" and nothing was applied.
	Refuse(target, userID string)
}

// maxSlackBody bounds an interaction payload (a block_actions payload of
// one of driftd's messages is a few kilobytes).
const maxSlackBody = 64 << 10

// slackInteractions takes Slack's "Apply fix" clicks. Only a request with a
// valid signature, a fresh timestamp, never seen before, from a user in
// slack.approvers, applies anything, and then only the plan it names.
//
// It answers within Slack's 3 seconds; Approve applies in the background
// and reports in the thread.
//
// A wrong signature or a replay counts in the credential throttle (the one
// of the bearer token, POST /login and the Event Hook secret): a client
// that keeps guessing the signing secret is refused with 429 before
// anything is evaluated.
func slackInteractions(approvals SlackApprovals, throttle *loginThrottle, now func() time.Time) http.Handler {
	replays := &replayGuard{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc := approvals.Slack()
		if sc == nil || sc.SigningSecret.IsZero() {
			writeError(w, http.StatusNotFound, "Slack interactions are not configured (slack.signing_secret)")
			return
		}
		client := clientOf(r)
		if throttle.refuseThrottled(w, client) {
			return
		}
		body, status, msg := readSlackBody(w, r)
		if status != 0 {
			writeError(w, status, msg)
			return
		}
		if err := verifySlackSignature(r.Header, body, sc.SigningSecret.Reveal()); err != nil {
			throttle.fail(client)
			writeError(w, http.StatusUnauthorized, err.Error())
			return
		}
		// The verified signature is hex, which slack-go decodes in either
		// case: the guard keys on one spelling, so "ABCD" replays "abcd".
		if !replays.first(strings.ToLower(r.Header.Get("X-Slack-Signature")), now()) {
			throttle.fail(client)
			writeError(w, http.StatusUnauthorized, "replayed Slack request")
			return
		}
		cb, err := parseInteraction(body)
		if err != nil {
			writeError(w, http.StatusBadRequest, "malformed interaction payload")
			return
		}
		approve(w, approvals, sc.Approvers, cb)
	})
}

// approve acts on a verified click: only the Apply button of a plan still
// waiting, clicked by an approver, applies anything.
func approve(w http.ResponseWriter, approvals SlackApprovals, approvers []string, cb slack.InteractionCallback) {
	planID := ""
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == report.ApplyActionID {
			planID = a.Value
		}
	}
	if planID == "" {
		writeJSON(w, http.StatusOK, map[string]string{"text": "nothing to do"})
		return
	}
	target, ok := approvals.PendingPlan(planID)
	if !ok {
		// The text names no value from the request, so it needs no
		// mrkdwn escaping: the clicker sees it under the button they used.
		writeJSON(w, http.StatusOK, ephemeral("This plan is no longer waiting for approval; nothing was applied."))
		return
	}
	// Only the user id counts: a display name is chosen by the user and
	// may read like an approver's id.
	if cb.User.ID == "" || !slices.Contains(approvers, cb.User.ID) {
		approvals.Refuse(target, cb.User.ID)
		writeError(w, http.StatusForbidden, "this user is not in slack.approvers")
		return
	}
	// Slack wants an answer within 3 seconds; the apply takes longer and
	// reports in the thread. planID is a pending plan's id, which
	// driftd made (a time and hex digits), so it needs no mrkdwn escaping.
	writeJSON(w, http.StatusOK, ephemeral(fmt.Sprintf("Applying plan `%s`…", planID)))
	approvals.Approve(planID, target, report.Approver{ID: cb.User.ID, Name: approverName(cb.User)})
}

func ephemeral(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "replace_original": false, "text": text}
}

// readSlackBody reads a bounded body; a non-zero status is the refusal.
func readSlackBody(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSlackBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge, "request body too large"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, http.StatusRequestTimeout, "request body not received in time"
	case err != nil:
		return nil, http.StatusBadRequest, "reading the request body failed"
	}
	return body, 0, ""
}

// verifySlackSignature checks Slack's request signature (X-Slack-Signature,
// v0 HMAC-SHA256 of "v0:timestamp:body" with the signing secret) and that
// X-Slack-Request-Timestamp is within Slack's 5 minutes, with slack-go's
// SecretsVerifier. Its error never holds the secret.
func verifySlackSignature(h http.Header, body []byte, signingSecret string) error {
	sv, err := slack.NewSecretsVerifier(h, signingSecret)
	if err != nil {
		return fmt.Errorf("invalid Slack signature: %w", err)
	}
	_, _ = sv.Write(body)
	if err := sv.Ensure(); err != nil {
		return errors.New("invalid Slack signature")
	}
	return nil
}

// parseInteraction reads the form Slack posts: payload= a JSON callback.
func parseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, err
	}
	return cb, json.Unmarshal([]byte(form.Get("payload")), &cb)
}

// approverName is the name the interaction payload gives the user who
// clicked, for people to read (it never authorises anything: the id
// does). A block_actions payload's user carries "name" and "username"
// besides the id and team_id (docs.slack.dev/reference/interaction-payloads/block_actions-payload;
// bolt-js types it in src/types/actions/block-action.ts, BlockAction.user);
// slack-go decodes both into slack.User.
func approverName(u slack.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Username
}

// replayGuard remembers the signatures of accepted Slack requests for
// longer than Slack's 5-minute timestamp window, so a captured request
// cannot be played again. It lives as long as the API's handler, so a
// reload (which replaces the notifier) does not make it forget.
type replayGuard struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func (g *replayGuard) first(sig string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen == nil {
		g.seen = map[string]time.Time{}
	}
	for k, t := range g.seen {
		if now.Sub(t) > 10*time.Minute {
			delete(g.seen, k)
		}
	}
	if _, dup := g.seen[sig]; dup {
		return false
	}
	g.seen[sig] = now
	return true
}
