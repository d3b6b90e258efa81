package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/notify/slack"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/slacksim"
)

// post plays the daemon posting text to the Slack simulator (in thread
// threadTS unless it is ""), as the daemon's Slack client does: the Web
// API's form with the bot token. It returns the message's ts.
func post(t *testing.T, s *slacksim.Server, threadTS, text string) string {
	t.Helper()
	form := url.Values{"token": {demoSlackToken}, "channel": {demoChannelID}, "text": {text}, "thread_ts": {threadTS}}
	resp, err := http.PostForm(s.APIURL()+"chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		OK bool   `json:"ok"`
		TS string `json:"ts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || !answer.OK {
		t.Fatalf("chat.postMessage: ok=%v %v", answer.OK, err)
	}
	return answer.TS
}

// TestTheDemoFailsAtOnceWithTheDaemonsAnswerToAnApprovalThatFixedNothing:
// when the daemon's answer to the click in the alert's thread says the
// plan was not applied, no resolution will come, and the demo says so at
// once, with that answer. It waited 5 minutes for the resolution and then
// said only "the daemon posted no such Slack message" (a CI run whose click
// was answered "run … is in progress; click again when it ends").
func TestTheDemoFailsAtOnceWithTheDaemonsAnswerToAnApprovalThatFixedNothing(t *testing.T) {
	const plan = "20261203T154600-4bb2bb99283a"
	// The daemon's own answers (daemon/notify/slack.ApprovalText).
	answer := func(rem *report.RemediationResult, err error) string {
		return slack.ApprovalText(demoApprover, plan, rem, err)
	}
	for _, tc := range []struct{ name, reply, want string }{
		{name: "a stale plan", reply: answer(&report.RemediationResult{Action: report.ActionRefused, Refused: []string{"stale: the Okta app or the W&B env changed after the plan was made; a new plan is needed"}}, nil),
			want: "approved plan " + plan + ": refused"},
		{name: "a plan no longer waiting", reply: answer(nil, &report.PlanError{Reason: "no plan " + plan + " is waiting for approval"}),
			want: "which cannot be applied"},
		{name: "a failed apply", reply: answer(&report.RemediationResult{Action: report.ActionFailed, Error: "Error: timeout while waiting for state to become 'success'"}, nil),
			want: "timeout while waiting for state"},
		{name: "an apply that left the drift", reply: answer(&report.RemediationResult{Action: report.ActionApplied, Verification: "still drifting"}, nil),
			want: "applied, still drifting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := slacksim.Start(demoSlackToken)
			defer sim.Close()
			var out bytes.Buffer
			d := &demo{out: &out, slack: sim, tf: true}
			root := alertRoot{ts: post(t, sim, "", "SSO drift on demo: 1 finding"), plan: plan, at: time.Now()}
			post(t, sim, root.ts, tc.reply)
			// A hang guard only: the answer is already recorded.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			err := d.resolve(ctx, nil, nil, root, time.Now(), time.Now())
			if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("resolve: %v (context: %v); want the daemon's answer %q", err, ctx.Err(), tc.want)
			}
			if strings.Contains(err.Error(), "`") || strings.Contains(err.Error(), "<@") {
				t.Errorf("the error shows raw mrkdwn: %v", err)
			}
		})
	}
}

// TestTheDemoFailsAtOnceWhenTheDaemonDoesNotTakeTheClick: a click answered
// with anything but "Applying plan…" applies nothing, so the demo fails
// with that answer instead of waiting for a resolution (it printed the
// answer and went on to wait).
func TestTheDemoFailsAtOnceWhenTheDaemonDoesNotTakeTheClick(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"response_type":"ephemeral","replace_original":false,"text":"This plan is no longer waiting for approval; nothing was applied."}`))
	}))
	defer api.Close()
	var out bytes.Buffer
	d := &demo{out: &out, api: api.URL}
	err := d.clickApply(context.Background(), "20261203T154600-4bb2bb99283a")
	if err == nil || !strings.Contains(err.Error(), "This plan is no longer waiting for approval") {
		t.Fatalf("click: %v; want the daemon's answer", err)
	}
}

// TestTheDemosReconcileWaitsForARunLongerThanTenSeconds: the demo's
// POST /v1/reconcile is answered 409 while another run holds the target
// (the start-up pass can take it right after step 1 and then plan with
// the real provider, which takes longer than 10 s on a loaded machine).
// The demo gave up after 200 answers 50 ms apart; it waits as long as it
// waits for any of the daemon's steps.
func TestTheDemosReconcileWaitsForARunLongerThanTenSeconds(t *testing.T) {
	var mu sync.Mutex
	busy := 201
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if busy > 0 {
			busy--
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"error":"target demo has run demo-1 in progress","run_id":"demo-1"}`))
			return
		}
		_, _ = w.Write([]byte(`{"targets":[{"name":"demo","status":"ok"}]}`))
	}))
	defer api.Close()
	d := &demo{out: &bytes.Buffer{}, api: api.URL, token: demoAPIToken}
	rep, err := d.reconcile(context.Background())
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Status != "ok" {
		t.Fatalf("report %+v", rep)
	}
}
