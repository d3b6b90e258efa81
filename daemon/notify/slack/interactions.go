package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/daemon/report"
)

// replayGuard remembers the signatures of accepted Slack requests for
// longer than Slack's 5-minute timestamp window, so a captured request
// cannot be played again.
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

// InteractionHandler takes Slack's "Apply fix" clicks. Only a request with a
// valid signature, a fresh timestamp, never seen before, from a user in
// slack.approvers, applies anything, and then only the plan it names.
//
// The handler answers within Slack's 3 seconds; approvals.Approve applies
// in the background and reports in the thread.
func (a *Alerter) InteractionHandler(approvals Approvals) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { a.handleInteraction(w, r, approvals) })
}

// Approvals is the reconcile path as the interaction handler sees it.
type Approvals interface {
	// PendingPlan returns the target of a plan waiting for approval.
	PendingPlan(planID string) (target string, ok bool)
	// Approve applies an approved plan in the background and reports.
	Approve(planID, target string, user report.Approver)
}

func (a *Alerter) handleInteraction(w http.ResponseWriter, r *http.Request, approvals Approvals) {
	cfg := a.cfg()
	if cfg.Slack == nil || cfg.Slack.SigningSecret.IsZero() {
		writeError(w, http.StatusNotFound, "Slack interactions are not configured (slack.signing_secret)")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, "request body not received in time")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "reading the request body failed")
		return
	}
	sv, err := slack.NewSecretsVerifier(r.Header, cfg.Slack.SigningSecret.Reveal())
	if err != nil {
		writeError(w, http.StatusUnauthorized, "invalid Slack signature: "+err.Error())
		return
	}
	_, _ = sv.Write(body)
	if err := sv.Ensure(); err != nil {
		writeError(w, http.StatusUnauthorized, "invalid Slack signature")
		return
	}
	if !a.replays.first(r.Header.Get("X-Slack-Signature"), time.Now()) {
		writeError(w, http.StatusUnauthorized, "replayed Slack request")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "malformed interaction payload")
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		writeError(w, http.StatusBadRequest, "malformed interaction payload")
		return
	}
	planID := ""
	for _, a := range cb.ActionCallback.BlockActions {
		if a.ActionID == ApplyActionID {
			planID = a.Value
		}
	}
	if planID == "" {
		writeJSON(w, http.StatusOK, map[string]string{"text": "nothing to do"})
		return
	}
	target, ok := approvals.PendingPlan(planID)
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"response_type": "ephemeral", "replace_original": false,
			"text": fmt.Sprintf("Plan %s is no longer waiting for approval; nothing was applied.", code(planID))})
		return
	}
	// Only the user id counts: a display name is chosen by the user and
	// may read like an approver's id.
	if cb.User.ID == "" || !slices.Contains(cfg.Slack.Approvers, cb.User.ID) {
		a.Reply(target, "approval_refused", fmt.Sprintf("<@%s> may not approve: only slack.approvers can apply plans. Nothing was applied.", esc(cb.User.ID)))
		writeError(w, http.StatusForbidden, "this user is not in slack.approvers")
		return
	}
	// Slack wants an answer within 3 seconds; the apply takes longer and
	// reports in the thread.
	writeJSON(w, http.StatusOK, map[string]any{"response_type": "ephemeral", "replace_original": false,
		"text": fmt.Sprintf("Applying plan %s…", code(planID))})
	approvals.Approve(planID, target, report.Approver{ID: cb.User.ID, Name: approverName(cb.User)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
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
