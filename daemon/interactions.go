package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
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

// handleInteraction takes Slack's "Apply fix" clicks. Only a request with a
// valid signature, a fresh timestamp, never seen before, from a user in
// slack.approvers, applies anything, and then only the plan it names.
func (d *Daemon) handleInteraction(w http.ResponseWriter, r *http.Request) {
	cfg := d.config()
	if cfg.Slack == nil || cfg.Slack.SigningSecret.IsZero() {
		writeError(w, http.StatusNotFound, "Slack interactions are not configured (slack.signing_secret)")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
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
	if !d.replays.first(r.Header.Get("X-Slack-Signature"), time.Now()) {
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
	sp, ok := d.runnerRef().PendingPlan(planID)
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"response_type": "ephemeral", "replace_original": false,
			"text": fmt.Sprintf("Plan %s is no longer waiting for approval; nothing was applied.", planID)})
		return
	}
	if !slices.Contains(cfg.Slack.Approvers, cb.User.ID) && !slices.Contains(cfg.Slack.Approvers, cb.User.Name) {
		d.alerter.Reply(sp.Target, "approval_refused", fmt.Sprintf("<@%s> may not approve: only slack.approvers can apply plans. Nothing was applied.", cb.User.ID))
		writeError(w, http.StatusForbidden, "this user is not in slack.approvers")
		return
	}
	// Slack wants an answer within 3 seconds; the apply takes longer and
	// reports in the thread.
	writeJSON(w, http.StatusOK, map[string]any{"response_type": "ephemeral", "replace_original": false,
		"text": fmt.Sprintf("Applying plan %s…", planID)})
	go d.approve(planID, sp.Target, cb.User.ID)
}

func (d *Daemon) runnerRef() *Runner {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.runner
}

// approve applies an approved plan through the one run path and reports.
func (d *Daemon) approve(planID, target, user string) {
	ctx := d.baseCtx
	t, ok := d.config().Target(target)
	if !ok {
		return
	}
	start := time.Now()
	res, err := d.runnerRef().ApprovePlan(ctx, planID, user)
	var busy *BusyError
	var perr *PlanError
	switch {
	case errors.As(err, &busy):
		d.alerter.Reply(target, "approval", fmt.Sprintf("<@%s> approved plan `%s`, but run %s is in progress; click again when it ends.", user, planID, busy.RunID))
		return
	case errors.As(err, &perr):
		d.alerter.Reply(target, "approval", fmt.Sprintf("<@%s> approved plan `%s`, which cannot be applied: %s.", user, planID, perr.Reason))
		return
	case err != nil:
		return
	}
	rem := res.Remediation
	msg := fmt.Sprintf("<@%s> approved plan `%s`: %s", user, planID, rem.Action)
	if rem.Verification != "" {
		msg += ", " + rem.Verification
	}
	for _, r := range rem.Refused {
		msg += "\n:no_entry: " + r
	}
	if rem.Error != "" {
		msg += "\n```" + truncate(rem.Error, 2000) + "```"
	}
	d.alerter.Reply(target, "approval", msg)
	d.finish(ctx, t, res, "approval-"+planID, "approval", start)
	if rem.Action == ActionRefused {
		// The world moved on: make a fresh plan, which updates the alert's button.
		go func() { _, _ = d.Run(context.WithoutCancel(ctx), target, "replan") }()
	}
}
