package daemon

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
)

const (
	signingSecret = "signing-never-printed"
	slackToken    = "xoxb-never-printed"
)

// click builds Slack's block_actions request for the Apply button.
func click(planID, user string) string {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]string{"id": user, "name": strings.ToLower(user)},
		"actions": []map[string]string{{"type": "button", "action_id": report.ApplyActionID, "value": planID, "block_id": "driftd_actions"}},
	})
	return "payload=" + url.QueryEscape(string(payload))
}

func postSigned(t *testing.T, base, body, secret string, at time.Time) (int, string) {
	t.Helper()
	ts := fmt.Sprint(at.Unix())
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest("POST", base+"/v1/slack/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return doReq(t, req)
}

func doReq(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// waitPlan returns the plan id the daemon's last run is waiting on, polling
// up to startupDeadline (it was 200 polls, 10 s, which a Terraform plan with
// the real provider outlasted on a loaded machine).
func waitPlan(t *testing.T, base, notID string) string {
	t.Helper()
	for deadline := time.Now().Add(startupDeadline); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		code, body := fixture.Call(t, "GET", base+"/v1/status", apiToken, "")
		if code == 0 {
			t.FailNow() // Call said why
		}
		var st struct {
			Targets []struct {
				Remediation *report.RemediationResult `json:"remediation"`
			} `json:"targets"`
		}
		if json.Unmarshal([]byte(body), &st) != nil || len(st.Targets) == 0 {
			continue
		}
		if rem := st.Targets[0].Remediation; rem != nil && rem.PlanID != "" && rem.PlanID != notID && rem.Action == report.ActionAwaiting {
			return rem.PlanID
		}
	}
	t.Fatalf("no plan awaiting approval within %s", startupDeadline)
	return ""
}

// waitFor polls cond up to startupDeadline: a hang guard, not a bound on
// speed (it was 300 polls, 15 s, which a loaded machine can outlast).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(startupDeadline); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting %s for %s", startupDeadline, what)
}

func TestSlackApprovalAppliesOnlyAValidCurrentApprovedPlan(t *testing.T) {
	tf := newTFFixture(t, "approve", `"*"`)
	sim := slacksim.Start(slackToken)
	defer sim.Close()
	t.Setenv("DRIFTD_TEST_SLACK_TOKEN", slackToken)
	t.Setenv("DRIFTD_TEST_SIGNING", signingSecret)
	base0 := fixture.ReadFile(t, tf.Cfg)
	cfg := base0[:strings.Index(base0, "slack:\n")] + fmt.Sprintf(`slack:
  bot_token: ${DRIFTD_TEST_SLACK_TOKEN}
  channel: "#wandb-sso"
  api_url: %s
  signing_secret: ${DRIFTD_TEST_SIGNING}
  approvers: [UALICE]
server:
  token: ${DRIFTD_TEST_API_TOKEN}
`, sim.APIURL())
	// No System Log follower: its 15 s poll would run the target on the
	// apply's own event, and on a slow machine that run replaced the plan
	// the stale click names, or held the target when it came.
	tf.WriteConfig(strings.Replace(cfg, "okta:\n", "okta:\n  events: {poll: 0s}\n", 1))
	tf.breakRedirect()
	base, stop := startDaemon(t, tf.Fixture)
	defer stop()
	plan := waitPlan(t, base, "")
	waitFor(t, "the alert with its button", func() bool {
		m := sim.Messages()
		return len(m) > 0 && strings.Contains(m[0].Blocks, plan)
	})
	now := time.Now()
	refusedClicks(t, tf, base, plan, now)

	body := click(plan, "UALICE")
	if code, resp := postSigned(t, base, body, signingSecret, now); code != 200 || !strings.Contains(resp, "Applying plan") {
		t.Fatalf("valid click: %d %s", code, resp)
	}
	waitFor(t, "the approved plan to be applied", func() bool { return tf.redirectURIs()[0] == "https://wandb.acme.test/oidc/callback" })
	if code, _ := postSigned(t, base, body, signingSecret, now); code != 401 {
		t.Errorf("replayed click: %d", code)
	}
	waitFor(t, "the approval reply in the thread", func() bool {
		for _, m := range sim.Messages() {
			if m.ThreadTS != "" && strings.Contains(m.Text, "<@UALICE> approved plan `"+plan+"`: applied, fixed") {
				return true
			}
		}
		return false
	})
	// The run records the id that was authorised and the name Slack's
	// payload gave, which the status page shows.
	var runs string
	waitFor(t, "the approval run to record who approved", func() bool {
		var code int
		code, runs = fixture.Call(t, "GET", base+"/v1/runs?target=prod&limit=5", apiToken, "")
		return code == 200 && strings.Contains(runs, `"approved_by":"UALICE","approver_name":"ualice"`)
	})
	onlyTheValidClickRan(t, sim, runs)

	staleClickIsRefused(t, tf, sim, base, plan)
	for _, m := range sim.Messages() {
		if strings.Contains(m.Text+m.Blocks, slackToken) || strings.Contains(m.Text+m.Blocks, signingSecret) || strings.Contains(m.Text+m.Blocks, fixture.OktaToken) {
			t.Fatal("a secret reached Slack")
		}
	}
}

// refusedClicks sends clicks with a bad signature, an old timestamp and
// from a user who may not approve: each is refused and nothing is applied
// (and onlyTheValidClickRan, once a later click has run, sees that none
// started a run).
func refusedClicks(t *testing.T, tf *tfFixture, base, plan string, now time.Time) {
	t.Helper()
	if code, _ := postSigned(t, base, click(plan, "UALICE"), "wrong-secret", now); code != 401 {
		t.Errorf("bad signature: %d", code)
	}
	if code, _ := postSigned(t, base, click(plan, "UALICE"), signingSecret, now.Add(-6*time.Minute)); code != 401 {
		t.Errorf("old timestamp: %d", code)
	}
	if code, _ := postSigned(t, base, click(plan, "UMALLORY"), signingSecret, now); code != 403 {
		t.Errorf("user not allowed: %d", code)
	}
	if tf.redirectURIs()[0] != "https://wandb.acme.test/callback" {
		t.Fatal("something was applied")
	}
}

// onlyTheValidClickRan judges the refused clicks once the valid click's
// run is seen in runs (GET /v1/runs): none started a run or was answered
// as an approval.
func onlyTheValidClickRan(t *testing.T, sim *slacksim.Server, runs string) {
	t.Helper()
	if n := strings.Count(runs, `"trigger":"approval"`); n != 1 {
		t.Errorf("%d approval runs, want the valid click's alone: %s", n, runs)
	}
	for _, m := range sim.Messages() {
		if strings.Contains(m.Text, "<@UMALLORY> approved") {
			t.Errorf("a refused click was answered as an approval: %q", m.Text)
		}
	}
}

// staleClickIsRefused: the world changes after a plan is made, so a click
// on it is refused in the thread and nothing is applied.
func staleClickIsRefused(t *testing.T, tf *tfFixture, sim *slacksim.Server, base, plan string) {
	t.Helper()
	tf.breakRedirect()
	reconcileWhenFree(t, base)
	stale := waitPlan(t, base, plan)
	_ = tf.Sim.UpdateApp(tf.appID, func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://other.acme.test/cb"} })
	// A click during a run waits for it (TestAnApprovalWaitsForTheRunInProgressInsteadOfAskingForAnotherClick),
	// then meets the stale refusal all the same.
	waitStartup(t, base)
	if code, _ := postSigned(t, base, click(stale, "UALICE"), signingSecret, time.Now()); code != 200 {
		t.Fatalf("stale click: %d", code)
	}
	waitFor(t, "the stale refusal in the thread", func() bool {
		for _, m := range sim.Messages() {
			if strings.Contains(m.Text, "approved plan `"+stale+"`: refused") && strings.Contains(m.Text, "stale:") {
				return true
			}
		}
		return false
	})
	if tf.redirectURIs()[0] != "https://other.acme.test/cb" {
		t.Fatal("a stale plan was applied")
	}
}
