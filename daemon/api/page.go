package api

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon/report"
)

// timelineRuns is how many recent runs each target's timeline shows.
const timelineRuns = 40

// pageData is the status page: every target, as of Now.
type pageData struct {
	Now     time.Time
	Targets []targetView
}

// targetView is one target's section: its status, and from its recent
// history the timeline and the last run that planned or applied a fix.
type targetView struct {
	TargetStatus
	Timeline  timeline
	LastFix   *Run
	DriftFor  string
	Drifting  bool
	Unhealthy bool
}

// buildPage reads every target's status and recent runs.
func buildPage(ctx context.Context, b Backend, now time.Time) (pageData, error) {
	all, err := b.Status(ctx)
	if err != nil {
		return pageData{}, fmt.Errorf("reading the targets' status: %w", err)
	}
	data := pageData{Now: now.UTC()}
	for _, st := range all {
		page, err := b.Runs(ctx, RunsQuery{Target: st.Name, Limit: timelineRuns})
		if err != nil {
			return pageData{}, fmt.Errorf("reading %s's runs: %w", st.Name, err)
		}
		v := targetView{TargetStatus: st, Timeline: newTimeline(page.Runs),
			Drifting: st.Status == report.StatusDrift, Unhealthy: st.Status == report.StatusError}
		if st.DriftSince != nil {
			v.DriftFor = now.Sub(*st.DriftSince).Round(time.Second).String()
		}
		for i := range page.Runs {
			if rem := page.Runs[i].Result.Remediation; rem != nil && (rem.Plan != nil || rem.Action != report.ActionNone) {
				v.LastFix = &page.Runs[i]
				break
			}
		}
		data.Targets = append(data.Targets, v)
	}
	return data, nil
}

// pageFuncs are the templates' helpers; html/template escapes what they
// return like any other value.
var pageFuncs = template.FuncMap{
	"value": formatValue,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"join": func(s []string) string { return strings.Join(s, ", ") },
}

// formatValue shows a finding's expected or actual value as a person
// reads it: text as is, a list comma-separated, anything else as JSON.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(unset)"
	case string:
		if x == "" {
			return `""`
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		return strings.Join(x, ", ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// timeline is a target's recent runs as an inline SVG strip, oldest at the
// left: one bar per run, coloured by status, taller when it changed
// something.
type timeline struct {
	Width, Height int
	Bars          []timelineBar
}

// timelineBar is one run in the strip; Title is its tooltip.
type timelineBar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

const (
	barWidth, barGap = 10, 3
	barHeight        = 28
)

func newTimeline(newestFirst []Run) timeline {
	tl := timeline{Width: timelineRuns * (barWidth + barGap), Height: barHeight}
	n := len(newestFirst)
	for i := range newestFirst {
		r := newestFirst[n-1-i]
		bar := timelineBar{X: i * (barWidth + barGap), Y: barHeight / 3, W: barWidth, H: barHeight - barHeight/3,
			Class: "run-" + r.Result.Status}
		title := fmt.Sprintf("%s  %s (%s), %d findings", r.Started.UTC().Format("2006-01-02 15:04:05"), r.Result.Status, r.Trigger, len(r.Result.Findings))
		if rem := r.Result.Remediation; rem != nil && rem.Action != report.ActionNone {
			bar.Y, bar.H = 0, barHeight
			title += ", remediation " + rem.Action
		}
		bar.Title = title
		tl.Bars = append(tl.Bars, bar)
	}
	return tl
}
