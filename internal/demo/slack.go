package demo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/slacksim"
)

// demoChannelID is the id Slack answers for #wandb-sso: updates and
// thread replies address the channel by it.
const demoChannelID = "C0DEMOSSO1"

// channelName shows a channel id as its name, as Slack's client does.
func (d *demo) channelName(ch string) string {
	if ch == demoChannelID {
		return demoChannel
	}
	return ch
}

// postedMessage is what the daemon delivered, as the simulator recorded it.
type postedMessage = slacksim.Message

// stepWait bounds the demo's wait for each of the daemon's steps. It is
// long because a step may be a Terraform plan or apply with the real okta
// provider (an 80 MB plugin started per command): on a loaded 2-core
// machine that took over a minute (TestDemoTellsTheWholeStory failed in a
// CI run at 60 s). A step the daemon answered with a failure ends the
// wait at once (waitApproval).
const stepWait = 5 * time.Minute

// waitMessage waits for the first recorded message that match accepts:
// the daemon delivers from its outbox in the background.
func (d *demo) waitMessage(ctx context.Context, match func(postedMessage) bool) (postedMessage, error) {
	const wait = stepWait
	deadline := time.Now().Add(wait)
	for {
		for _, m := range d.slack.Messages() {
			if match(m) {
				return m, nil
			}
		}
		if time.Now().After(deadline) {
			return postedMessage{}, fmt.Errorf("the daemon posted no such Slack message within %s (%d recorded)", wait, len(d.slack.Messages()))
		}
		select {
		case <-ctx.Done():
			return postedMessage{}, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// clickApply plays Slack delivering the approver's click on "Apply fix":
// a block_actions payload signed with the app's signing secret (Slack's
// "Verifying requests from Slack": v0 HMAC-SHA256 of "v0:ts:body").
func (d *demo) clickApply(ctx context.Context, planID string) error {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions",
		"user": map[string]string{"id": demoApprover, "name": "demo-approver"},
		"actions": []map[string]string{{"type": "button", "action_id": report.ApplyActionID,
			"value": planID, "block_id": "driftd_actions"}},
	})
	body := "payload=" + url.QueryEscape(string(payload))
	ts := fmt.Sprint(time.Now().Unix())
	mac := hmac.New(sha256.New, []byte(demoSigningSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.api+"/v1/slack/interactions", strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("building the approval click: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("delivering the approval click: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the daemon refused the approval click: %s: %s", resp.Status, b)
	}
	var answer struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(b, &answer)
	fmt.Fprintf(d.out, "driftd answers the click (only the approver sees it): %s\n", MrkdwnForTerminal(answer.Text))
	// Any other answer ("This plan is no longer waiting for approval")
	// applies nothing, and no resolution would come.
	if !strings.HasPrefix(answer.Text, "Applying plan") {
		return fmt.Errorf("the daemon did not take the approval click: %s", MrkdwnForTerminal(answer.Text))
	}
	return nil
}

// waitApproval waits for the daemon's answer to the click in the alert's
// thread (daemon/notify/slack.ApprovalText) and fails at once, with that
// answer, unless the plan was applied and fixed the drift: then no
// resolution will come, and waiting for it only timed out 5 minutes later
// without saying why.
func (d *demo) waitApproval(ctx context.Context, root alertRoot) error {
	// The daemon's own words for an applied, fixed plan; every answer about
	// this plan begins as it does, up to the plan's id.
	fixed := slack.ApprovalText(demoApprover, root.plan, &report.RemediationResult{Action: report.ActionApplied, Verification: "fixed"}, nil)
	prefix := fixed[:strings.Index(fixed, root.plan)+len(root.plan)+1]
	m, err := d.waitMessage(ctx, func(m postedMessage) bool {
		return m.Method == "chat.postMessage" && m.ThreadTS == root.ts && strings.HasPrefix(m.Text, prefix)
	})
	if err != nil {
		return fmt.Errorf("waiting for driftd's answer to the approval in the alert's thread: %w", err)
	}
	if m.Text != fixed {
		return fmt.Errorf("the approved plan did not fix the drift; driftd answered in the alert's thread: %s", MrkdwnForTerminal(m.Text))
	}
	return nil
}
