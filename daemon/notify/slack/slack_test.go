package slack

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/notify"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/slacksim"
)

var update = flag.Bool("update", false, "rewrite golden files")

var renderNow = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

func sampleResult() *report.TargetResult {
	return &report.TargetResult{Name: "prod", Status: report.StatusDrift, ObservedAt: renderNow, Findings: []checks.Finding{
		{Check: checks.IDRedirectURIs, Target: "prod", Severity: checks.SeverityError, Field: "settings.oauthClient.redirect_uris",
			Expected: []string{"https://wandb.acme.com/oidc/callback"}, Actual: []string{"https://wandb.acme.com/callback"},
			Missing: []string{"https://wandb.acme.com/oidc/callback"}, Extra: []string{"https://wandb.acme.com/callback"}, Fixable: true,
			Message: "Add sign-in redirect URI `https://wandb.acme.com/oidc/callback` to the Okta app."},
		{Check: checks.IDWandbCORSOrigins, Target: "prod", Severity: checks.SeverityError, Field: "GORILLA_CORS_ORIGINS",
			Expected: []string{"https://wandb.acme.com", "null"}, Actual: []string{"https://wandb.acme.com"}, Missing: []string{"null"}, Fixable: true,
			Message: "Add `null` to GORILLA_CORS_ORIGINS: users see \"request from invalid origin: null\" after the Okta redirect otherwise."},
	}}
}

var sampleContext = AlertContext{OktaOrgURL: "https://acme.okta.com", AppID: "0oa1", WandbURL: "https://wandb.acme.com", Now: renderNow}

// goldenHint says how to rewrite the golden files: from the package that
// holds them, with the tests that render them.
const goldenHint = "after checking the change, rewrite them with go test ./daemon/notify/slack -run 'TestRenderGolden|TestEveryMessageEscapesObservedValues' -update"

func golden(t *testing.T, name, text string, blocks []slack.Block) {
	t.Helper()
	got, err := json.MarshalIndent(map[string]any{"text": text, "blocks": blocks}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) > 50 {
		t.Errorf("%d blocks: Slack allows 50", len(blocks))
	}
	p := filepath.Join("testdata", "slack", name+".json")
	if *update {
		if err := os.WriteFile(p, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (%s)", err, goldenHint)
	}
	if strings.TrimSpace(string(want)) != strings.TrimSpace(string(got)) {
		t.Errorf("%s differs from the golden file (%s):\n%s", name, goldenHint, got)
	}
}

func TestRenderGolden(t *testing.T) {
	t.Run("a new drift lists each finding and the fix", func(t *testing.T) {
		text, blocks := RenderRoot(sampleResult(), sampleContext, false)
		golden(t, "new_drift", text, blocks)
	})
	t.Run("a plan awaiting approval carries the Apply button", func(t *testing.T) {
		res := sampleResult()
		res.Remediation = &report.RemediationResult{Mode: config.ModeApprove, Action: report.ActionAwaiting, PlanID: "20261128T093000-abc123",
			Plan: &report.PlanSummary{Changes: []report.ResourceChange{{Address: "okta_app_oauth.wandb", Action: "update",
				Attributes: []report.AttributeChange{{Name: "redirect_uris", Before: `["https://wandb.acme.com/callback"]`, After: `["https://wandb.acme.com/oidc/callback"]`}}}}}}
		ac := sampleContext
		ac.Approve = true
		text, blocks := RenderRoot(res, ac, false)
		golden(t, "approve", text, blocks)
	})
	t.Run("a resolved alert says so", func(t *testing.T) {
		text, blocks := RenderRoot(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: renderNow}, sampleContext, true)
		golden(t, "resolved", text, blocks)
	})
	t.Run("a resolution by driftd's apply names the plan and approver", func(t *testing.T) {
		res := &report.TargetResult{Name: "prod", Status: report.StatusOK, Remediation: &report.RemediationResult{Action: report.ActionApplied, PlanID: "p1", ApprovedBy: "U123"}}
		text, blocks := RenderReply(notify.AlertResolved, nil, res, sampleContext)
		golden(t, "resolved_reply", text, blocks)
	})
	t.Run("a changed drift says what is new", func(t *testing.T) {
		prev := sampleResult().Findings[:1]
		text, blocks := RenderReply(notify.AlertChanged, prev, sampleResult(), sampleContext)
		golden(t, "changed_reply", text, blocks)
	})
	t.Run("a failed remediation quotes Terraform", func(t *testing.T) {
		res := sampleResult()
		res.Remediation = &report.RemediationResult{Action: report.ActionFailed, Failures: 2, Reason: "apply failed; the next attempt waits until 2026-11-28T09:32:00Z",
			Error: "terraform apply of plan p1: exit status 1\nError: Error acquiring the state lock"}
		text, blocks := RenderReply(notify.AlertRemediationFailed, nil, res, sampleContext)
		golden(t, "remediation_failed", text, blocks)
	})
	t.Run("long lists are truncated with a count inside Slack's limits", func(t *testing.T) {
		res := sampleResult()
		var many []string
		for i := range 40 {
			many = append(many, fmt.Sprintf("https://host%02d.acme.com/oidc/callback", i))
		}
		res.Findings[0].Extra = many
		for i := range 30 {
			res.Findings = append(res.Findings, checks.Finding{Check: checks.IDGrantTypes, Severity: checks.SeverityWarning, Field: fmt.Sprint("f", i), Message: "m"})
		}
		text, blocks := RenderRoot(res, sampleContext, false)
		golden(t, "truncated", text, blocks)
	})
}

// alertHarness drives a real Alerter with real slack-go against the recorder.
type alertHarness struct {
	t     *testing.T
	dir   string
	store *store.Store
	sim   *slacksim.Server
	cfg   *config.Config
	a     *Alerter
	now   time.Time
	logs  *strings.Builder
}

const (
	slackToken = "xoxb-never-printed"
	oktaToken  = "00SECRET-okta-token-never-printed"
)

func newAlertHarness(t *testing.T, webhook bool) *alertHarness {
	h := &alertHarness{t: t, dir: t.TempDir(), sim: slacksim.Start(slackToken), now: renderNow, logs: &strings.Builder{}}
	t.Cleanup(h.sim.Close)
	sc := &config.SlackConfig{Channel: "#wandb-sso", APIURL: h.sim.APIURL(), RepeatInterval: config.Duration(4 * time.Hour), SigningSecret: config.NewSecret("signing-never-printed")}
	if webhook {
		sc.WebhookURL = config.NewSecret(h.sim.WebhookURL())
	} else {
		sc.BotToken = config.NewSecret(slackToken)
	}
	h.cfg = &config.Config{Okta: config.OktaConfig{OrgURL: "https://acme.okta.com", APIToken: config.NewSecret(oktaToken)}, Slack: sc,
		Targets: []config.Target{{Name: "prod", Okta: config.TargetOkta{AppID: "0oa1"}, Wandb: config.WandbConfig{URL: "https://wandb.acme.com"}}}}
	h.open()
	return h
}

func (h *alertHarness) open() {
	s, err := store.OpenStore(h.dir, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = s
	clock := notify.Clock{Now: func() time.Time { return h.now }, RetryBase: time.Second}
	h.a = NewAlerter(s, func() *config.Config { return h.cfg }, slog.New(slog.NewTextHandler(&lockedWriter{b: h.logs}, nil)), nil, clock)
}

// restart closes the store and opens a new alerter on it, as a new process would.
func (h *alertHarness) restart() {
	h.store.Close()
	h.open()
}

func (h *alertHarness) notify(res *report.TargetResult) {
	h.a.Notify(context.Background(), &h.cfg.Targets[0], res)
}

func (h *alertHarness) flush() int {
	n, _ := h.a.delivery.Flush(context.Background())
	return n
}

func (h *alertHarness) methods() []string {
	var out []string
	for _, m := range h.sim.Messages() {
		kind := m.Method
		if m.ThreadTS != "" {
			kind += "(thread)"
		}
		out = append(out, kind)
	}
	return out
}

func (h *alertHarness) noSecrets() {
	h.t.Helper()
	for _, m := range h.sim.Messages() {
		for _, s := range []string{slackToken, oktaToken, "signing-never-printed"} {
			if strings.Contains(m.Text+m.Blocks, s) {
				h.t.Fatalf("a secret reached Slack: %+v", m)
			}
		}
	}
	for _, s := range []string{slackToken, oktaToken, "signing-never-printed"} {
		if strings.Contains(h.logs.String(), s) {
			h.t.Fatal("a secret reached the log")
		}
	}
}

func TestSlackLifecycleThroughSlackGo(t *testing.T) {
	h := newAlertHarness(t, false)
	res := sampleResult()
	h.notify(res)
	h.flush()
	h.notify(res) // seen again: nothing
	h.flush()
	if got := h.methods(); strings.Join(got, ",") != "chat.postMessage" {
		t.Fatalf("after new drift seen twice: %v", got)
	}
	root := h.sim.Messages()[0]

	changed := sampleResult()
	changed.Findings = changed.Findings[:1]
	h.now = h.now.Add(time.Minute)
	h.notify(changed)
	h.flush()

	h.now = h.now.Add(4 * time.Hour)
	h.notify(changed)
	h.flush()

	h.now = h.now.Add(time.Minute)
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now, Remediation: &report.RemediationResult{Action: report.ActionApplied, PlanID: "p9"}})
	h.flush()

	want := "chat.postMessage,chat.update,chat.postMessage(thread),chat.postMessage(thread),chat.update,chat.postMessage(thread)"
	if got := strings.Join(h.methods(), ","); got != want {
		t.Fatalf("lifecycle calls:\n got %s\nwant %s", got, want)
	}
	msgs := h.sim.Messages()
	for _, m := range msgs[1:] {
		if m.TS != root.TS && m.ThreadTS != root.TS {
			t.Errorf("message %+v is not about the root %s", m, root.TS)
		}
	}
	if !strings.Contains(msgs[2].Text, "No longer drifting: `wandb.cors_origins`") || !strings.HasPrefix(msgs[3].Text, "Still drifting") ||
		!strings.Contains(msgs[4].Text, "Resolved") || !strings.Contains(msgs[5].Text, "by driftd applying plan `p9`") {
		t.Errorf("texts: %q | %q | %q | %q", msgs[2].Text, msgs[3].Text, msgs[4].Text, msgs[5].Text)
	}
	h.noSecrets()
}

func TestSlackRestartNeitherReAlertsNorForgetsToResolve(t *testing.T) {
	h := newAlertHarness(t, false)
	h.notify(sampleResult())
	h.flush()
	h.restart()
	h.notify(sampleResult())
	h.flush()
	h.restart()
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.flush()
	if got := strings.Join(h.methods(), ","); got != "chat.postMessage,chat.update,chat.postMessage(thread)" {
		t.Fatalf("calls across restarts: %s", got)
	}
}

func TestSlackOutageLosesNothingAndDeliversOnceInOrderAfterARestart(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.SetDown(true)
	h.notify(sampleResult())
	changed := sampleResult()
	changed.Findings = changed.Findings[:1]
	h.notify(changed)
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	if n := h.flush(); n != 0 {
		t.Fatalf("delivered %d during the outage", n)
	}
	if q, _ := h.store.Outbox(); len(q) != 5 {
		t.Fatalf("queued %d, want 5", len(q))
	}
	h.restart()
	h.sim.SetDown(false)
	for range 3 {
		h.now = h.now.Add(10 * time.Minute)
		h.flush()
	}
	want := "chat.postMessage,chat.update,chat.postMessage(thread),chat.update,chat.postMessage(thread)"
	if got := strings.Join(h.methods(), ","); got != want {
		t.Fatalf("after recovery:\n got %s\nwant %s", got, want)
	}
	if q, _ := h.store.Outbox(); len(q) != 0 {
		t.Fatalf("%d items left in the outbox", len(q))
	}
}

func TestSlack429HonoursRetryAfter(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.RateLimit(1, 30)
	h.notify(sampleResult())
	h.flush()
	q, _ := h.store.Outbox()
	if len(q) != 1 || !q[0].NextAttempt.Equal(h.now.Add(30*time.Second)) {
		t.Fatalf("after a 429: %+v", q)
	}
	h.now = h.now.Add(29 * time.Second)
	h.flush()
	if len(h.sim.Messages()) != 0 {
		t.Fatal("retried before Retry-After")
	}
	h.now = h.now.Add(2 * time.Second)
	h.flush()
	if len(h.sim.Messages()) != 1 {
		t.Fatalf("not delivered after Retry-After: %v", h.methods())
	}
}

func TestSlackInvalidAuthKeepsTheAlert(t *testing.T) {
	h := newAlertHarness(t, false)
	h.sim.SetInvalidAuth(true)
	h.notify(sampleResult())
	h.flush()
	q, _ := h.store.Outbox()
	if len(q) != 1 || q[0].LastError != "invalid_auth" {
		t.Fatalf("outbox after invalid_auth: %+v", q)
	}
	h.sim.SetInvalidAuth(false)
	h.now = h.now.Add(time.Hour)
	h.flush()
	if len(h.sim.Messages()) != 1 {
		t.Fatal("the alert was lost after invalid_auth was fixed")
	}
	h.noSecrets()
}

func TestSlackWebhookPostsEveryStep(t *testing.T) {
	h := newAlertHarness(t, true)
	h.notify(sampleResult())
	h.notify(&report.TargetResult{Name: "prod", Status: report.StatusOK, ObservedAt: h.now})
	h.flush()
	if got := strings.Join(h.methods(), ","); got != "webhook,webhook" {
		t.Fatalf("webhook calls: %s", got)
	}
	if !strings.Contains(h.sim.Messages()[1].Text, "Resolved") {
		t.Errorf("second webhook message: %+v", h.sim.Messages()[1])
	}
}

func TestSlackWebhookFailureNeverShowsTheWebhookURL(t *testing.T) {
	h := newAlertHarness(t, true)
	h.sim.Close() // the webhook host is gone
	h.notify(sampleResult())
	h.flush()
	q, _ := h.store.Outbox()
	if len(q) != 1 || q[0].LastError == "" {
		t.Fatalf("outbox = %+v", q)
	}
	secretPath := "/services/T000/B000/XXXX"
	if strings.Contains(q[0].LastError, secretPath) || strings.Contains(h.logs.String(), secretPath) {
		t.Fatalf("the webhook URL leaked: %s\n%s", q[0].LastError, h.logs.String())
	}
}

// lockedWriter lets several goroutines log into one builder.
type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

var _ io.Writer = (*lockedWriter)(nil)
