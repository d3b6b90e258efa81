package alertmanager

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/store"
)

// Alert names.
const (
	AlertDrift = "DriftdDrift"
	AlertError = "DriftdError"
)

// Alert is Alertmanager's postableAlert as its API declares it
// (prometheus/alertmanager api/v2/openapi.yaml, definitions postableAlert
// and alert: labels required; startsAt, endsAt date-time; annotations a
// labelSet; generatorURL a uri). A queued firing alert has no endsAt: the
// sender sets it when it posts, so a delayed delivery never posts an
// alert that has already expired.
type Alert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     string            `json:"startsAt,omitempty"`
	EndsAt       string            `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// maxDescription keeps a description readable in a page or a chat message.
const maxDescription = 4000

// render returns the alerts a post carries: every alert next fires and
// every alert prev fired that next does not (resolved at now).
func render(target string, prev, next State, now time.Time, am *config.AlertmanagerConfig) []Alert {
	var out []Alert
	base := func(alertname string) map[string]string {
		l := map[string]string{}
		for k, v := range am.Labels {
			l[k] = v
		}
		l["alertname"], l["target"] = alertname, target
		return l
	}
	gen := generatorURL(am.ExternalURL, target)
	firing := map[string]bool{}
	if next.Drift.Open {
		for _, check := range firingChecks(next.Drift.Findings) {
			firing[check] = true
			out = append(out, driftAlert(base(AlertDrift), target, check, next.Drift, gen, time.Time{}))
		}
	}
	if prev.Drift.Open {
		for _, check := range firingChecks(prev.Drift.Findings) {
			if !firing[check] {
				out = append(out, driftAlert(base(AlertDrift), target, check, prev.Drift, gen, now))
			}
		}
	}
	switch {
	case next.Error.Open:
		out = append(out, errorAlert(base(AlertError), target, next.Error, gen, time.Time{}))
	case prev.Error.Open:
		out = append(out, errorAlert(base(AlertError), target, prev.Error, gen, now))
	}
	return out
}

func driftAlert(labels map[string]string, target, check string, st store.AlertState, gen string, ended time.Time) Alert {
	labels["check"] = check
	var lines []string
	for _, f := range st.Findings {
		if f.Check == check {
			lines = append(lines, describe(f))
		}
	}
	return Alert{
		Labels: labels,
		Annotations: map[string]string{
			"summary":     fmt.Sprintf("driftd: target %s drifts from its desired state (%s)", target, check),
			"description": truncate(strings.Join(lines, "\n")),
		},
		StartsAt:     stamp(st.OpenedAt),
		EndsAt:       stamp(ended),
		GeneratorURL: gen,
	}
}

func errorAlert(labels map[string]string, target string, st store.AlertState, gen string, ended time.Time) Alert {
	var lines []string
	for _, f := range st.Findings {
		lines = append(lines, fmt.Sprintf("- %s: %s", f.Field, f.Message))
	}
	return Alert{
		Labels: labels,
		Annotations: map[string]string{
			"summary":     fmt.Sprintf("driftd cannot read target %s since %s: its drift is unknown", target, st.OpenedAt.UTC().Format(time.RFC3339)),
			"description": truncate(strings.Join(lines, "\n")),
		},
		StartsAt:     stamp(st.OpenedAt),
		EndsAt:       stamp(ended),
		GeneratorURL: gen,
	}
}

// describe is one finding as a line: what to do, then what was compared.
func describe(f checks.Finding) string {
	line := "- [" + string(f.Severity) + "] " + f.Message
	var parts []string
	if f.Field != "" {
		parts = append(parts, "field "+f.Field)
	}
	if f.Expected != nil || f.Actual != nil {
		parts = append(parts, "expected "+value(f.Expected)+", actual "+value(f.Actual))
	}
	if len(f.Missing) > 0 {
		parts = append(parts, "missing "+strings.Join(f.Missing, ", "))
	}
	if len(f.Extra) > 0 {
		parts = append(parts, "extra "+strings.Join(f.Extra, ", "))
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, "; ") + ")"
	}
	return line
}

func value(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// generatorURL points at the target in driftd's API as people reach it.
func generatorURL(external, target string) string {
	if external == "" {
		return ""
	}
	return strings.TrimRight(external, "/") + "/v1/status/" + url.PathEscape(target)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func truncate(s string) string {
	if len(s) <= maxDescription {
		return s
	}
	cut := maxDescription
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "\n…"
}
