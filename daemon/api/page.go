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

// PageRefresh is how often the status page reloads itself (a meta
// refresh: the page runs no script).
const PageRefresh = 60 * time.Second

// pageData is the status page: every target, as of Now.
type pageData struct {
	Now time.Time
	// Refresh is PageRefresh in whole seconds.
	Refresh int
	Targets []targetView
}

// targetView is one target's section: its status, and from its recent
// history the timeline, the last run that planned or applied a fix and,
// in error, since when.
type targetView struct {
	TargetStatus
	Timeline timeline
	LastFix  *Run
	// ErrorSince is the start of the oldest run of the unbroken series of
	// errors that ends with the last run; ErrorSinceAtLeast says the
	// series reaches past the runs read, so it began earlier still.
	ErrorSince        *time.Time
	ErrorSinceAtLeast bool
	// FixBeforeError says the last fix ran before the errors began: it is
	// history, not the target's state.
	FixBeforeError bool
}

// buildPage reads every target's status and recent runs.
func buildPage(ctx context.Context, b Backend, now time.Time) (pageData, error) {
	all, err := b.Status(ctx)
	if err != nil {
		return pageData{}, fmt.Errorf("reading the targets' status: %w", err)
	}
	data := pageData{Now: now.UTC(), Refresh: int(PageRefresh / time.Second)}
	for _, st := range all {
		page, err := b.Runs(ctx, RunsQuery{Target: st.Name, Limit: timelineRuns})
		if err != nil {
			return pageData{}, fmt.Errorf("reading %s's runs: %w", st.Name, err)
		}
		data.Targets = append(data.Targets, newTargetView(st, page.Runs, now))
	}
	return data, nil
}

// newTargetView reads a target's section out of its status and its runs,
// newest first.
func newTargetView(st TargetStatus, runs []Run, now time.Time) targetView {
	v := targetView{TargetStatus: st, Timeline: newTimeline(runs, now)}
	for i := range runs {
		if rem := runs[i].Result.Remediation; rem != nil && (rem.Plan != nil || rem.Action != report.ActionNone) {
			v.LastFix = &runs[i]
			break
		}
	}
	if st.Status != report.StatusError {
		return v
	}
	since := st.ObservedAt
	v.ErrorSinceAtLeast = true
	for i := range runs {
		if runs[i].Result.Status != report.StatusError {
			v.ErrorSinceAtLeast = false
			break
		}
		since = runs[i].Started
	}
	if len(runs) < timelineRuns {
		// Every run there is was read: the series cannot reach further.
		v.ErrorSinceAtLeast = false
	}
	if !since.IsZero() {
		v.ErrorSince = &since
		v.FixBeforeError = v.LastFix != nil && v.LastFix.Started.Before(since)
	}
	return v
}

// pageFuncs are the templates' helpers; html/template escapes what they
// return like any other value, and those that return template.HTML
// (markup, when) build it from escaped pieces. "when" is replaced on
// each request by one that knows the page's now.
var pageFuncs = template.FuncMap{
	"value":  formatValue,
	"markup": markup,
	"when":   func(t time.Time) template.HTML { return stampHTML(t, time.Now()) },
	"join":   func(s []string) string { return strings.Join(s, ", ") },
	// action says a remediation action in words: awaiting_approval is
	// "awaiting approval".
	"action": func(a string) string { return strings.ReplaceAll(a, "_", " ") },
	"approver": func(rem *report.RemediationResult) string {
		if rem.ApproverName != "" {
			return rem.ApproverName
		}
		return "Slack user " + rem.ApprovedBy
	},
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
// something, over a time axis that dates the oldest and newest run.
type timeline struct {
	Width, Height int
	Bars          []timelineBar
	// AxisY is where the axis line runs; Ticks label it.
	AxisY, AxisEnd, TickEnd, LabelY int
	Ticks                           []timelineTick
}

// timelineBar is one run in the strip; Title is its tooltip.
type timelineBar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

// timelineTick labels the axis at X; Anchor is SVG's text-anchor.
type timelineTick struct {
	X      int
	Anchor string
	Label  string
}

const (
	barWidth, barGap = 10, 3
	barHeight        = 28
	// axisHeight is the room under the bars for the axis and its labels.
	axisHeight = 22
	// twoTicksBars is how many bars it takes to fit two labels side by side.
	twoTicksBars = 24
)

func newTimeline(newestFirst []Run, now time.Time) timeline {
	tl := timeline{Width: timelineRuns * (barWidth + barGap), Height: barHeight + axisHeight, AxisY: barHeight + 2, TickEnd: barHeight + 6, LabelY: barHeight + axisHeight - 4}
	n := len(newestFirst)
	for i := range newestFirst {
		r := newestFirst[n-1-i]
		bar := timelineBar{X: i * (barWidth + barGap), Y: barHeight / 3, W: barWidth, H: barHeight - barHeight/3,
			Class: "run-" + r.Result.Status}
		title := fmt.Sprintf("%s: %s (%s), %d findings", stamp(r.Started, now), r.Result.Status, r.Trigger, len(r.Result.Findings))
		if rem := r.Result.Remediation; rem != nil && rem.Action != report.ActionNone {
			bar.Y, bar.H = 0, barHeight
			title += ", remediation " + rem.Action
		}
		bar.Title = title
		tl.Bars = append(tl.Bars, bar)
	}
	if n == 0 {
		return tl
	}
	tl.AxisEnd = n*(barWidth+barGap) - barGap
	oldest, newest := newestFirst[n-1].Started, newestFirst[0].Started
	switch {
	case n == 1:
		tl.Ticks = []timelineTick{{X: 0, Anchor: "start", Label: relative(newest, now)}}
	case n < twoTicksBars:
		tl.Ticks = []timelineTick{{X: 0, Anchor: "start", Label: relative(oldest, now) + " → " + relative(newest, now)}}
	default:
		tl.Ticks = []timelineTick{{X: 0, Anchor: "start", Label: relative(oldest, now)}, {X: tl.AxisEnd, Anchor: "end", Label: relative(newest, now)}}
	}
	return tl
}
