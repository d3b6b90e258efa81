package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/slacksim"
)

// showTarget prints, for a demo that failed, what the daemon knows of the
// demo target while it still runs: the run in progress, the last result
// (findings, and what remediation did: the plan, the guardrails' refusals,
// Terraform's error) and the last runs with their triggers, which show
// the runs that came between the demo's steps. A demo that waited for a
// step and failed said nothing of these before.
func (d *demo) showTarget(ctx context.Context) {
	out := d.out
	var st struct {
		report.TargetResult
		RunningRun string `json:"running_run"`
	}
	if err := d.getJSON(ctx, "/v1/status/demo", &st); err != nil {
		fmt.Fprintf(out, "the demo target's status could not be read: %v\n", err)
	} else {
		fmt.Fprintln(out, "the demo target's last result (GET /v1/status/demo):")
		if st.RunningRun != "" {
			fmt.Fprintf(out, "  run %s is in progress\n", st.RunningRun)
		}
		var b strings.Builder
		_ = (&report.Report{Targets: []report.TargetResult{st.TargetResult}}).WriteText(&b)
		fmt.Fprint(out, indent(b.String()))
	}
	var page struct {
		Runs []struct {
			ID              string              `json:"id"`
			Trigger         string              `json:"trigger"`
			Started         time.Time           `json:"started"`
			DurationSeconds float64             `json:"duration_seconds"`
			Result          report.TargetResult `json:"result"`
		} `json:"runs"`
	}
	if err := d.getJSON(ctx, "/v1/runs?target=demo&limit=10", &page); err != nil {
		fmt.Fprintf(out, "the demo target's runs could not be read: %v\n", err)
		return
	}
	fmt.Fprintln(out, "its last runs, newest first (GET /v1/runs):")
	for _, r := range page.Runs {
		line := fmt.Sprintf("  %s %s trigger %s, %.1fs: %s", r.Started.UTC().Format("15:04:05.000"), r.ID, r.Trigger, r.DurationSeconds, r.Result.Status)
		if rem := r.Result.Remediation; rem != nil {
			line += fmt.Sprintf(", remediation %s", rem.Action)
			if rem.PlanID != "" {
				line += " (plan " + rem.PlanID + ")"
			}
			if len(rem.Refused) > 0 {
				line += ": " + strings.Join(rem.Refused, "; ")
			}
		}
		fmt.Fprintln(out, line)
	}
}

// getJSON reads one of the daemon's API answers with the demo's token.
func (d *demo) getJSON(ctx context.Context, path string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.api+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %s: %s", path, resp.Status, strings.TrimSpace(string(b)))
	}
	return json.Unmarshal(b, v)
}

// showSlack prints every message the daemon delivered to the Slack
// simulator, in order, with the thread each went to: the daemon's answer
// to the approval is a thread reply. They hold no secret (driftd scrubs
// what it posts).
func showSlack(out io.Writer, msgs []slacksim.Message) {
	if len(msgs) == 0 {
		fmt.Fprintln(out, "the daemon delivered no Slack message")
		return
	}
	fmt.Fprintf(out, "the Slack messages the daemon delivered (%d):\n", len(msgs))
	for _, m := range msgs {
		where := "ts " + m.TS
		if m.ThreadTS != "" {
			where = "in the thread of " + m.ThreadTS
		}
		fmt.Fprintf(out, "  %s %s %s: %s\n", m.At.UTC().Format("15:04:05.000"), m.Method, where,
			strings.ReplaceAll(MrkdwnForTerminal(m.Text), "\n", "\n    "))
	}
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}
