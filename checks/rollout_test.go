package checks

import (
	"strings"
	"testing"
	"time"
)

var rolloutCases = []struct {
	name     string
	changed  time.Duration // before now
	pods     []time.Duration
	want     Severity // "" for no finding
	stale    int
	contains []string
}{
	{name: "pods started after the change are up to date", changed: 30 * time.Minute, pods: []time.Duration{20 * time.Minute, 5 * time.Minute}},
	{name: "a change five minutes after the pod started is a warning", changed: 5 * time.Minute, pods: []time.Duration{time.Hour}, want: SeverityWarning, stale: 1,
		contains: []string{"ConfigMap wandb/wandb-env changed 5m0s ago", "kubectl rollout restart deployment/wandb-app -n wandb", "`pod-0`"}},
	{name: "a change older than ten minutes is an error", changed: 11 * time.Minute, pods: []time.Duration{time.Hour}, want: SeverityError, stale: 1},
	{name: "exactly ten minutes is still a warning", changed: 10 * time.Minute, pods: []time.Duration{time.Hour}, want: SeverityWarning, stale: 1},
	{name: "only the pods that started before the change are named", changed: 15 * time.Minute, pods: []time.Duration{time.Hour, 2 * time.Minute}, want: SeverityError, stale: 1,
		contains: []string{"after 1 running pod(s)"}},
	{name: "no running pods means nothing is pending", changed: time.Hour, pods: nil},
}

func TestRolloutPending(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, tc := range rolloutCases {
		t.Run(tc.name, func(t *testing.T) {
			r := &Rollout{Namespace: "wandb", Deployment: "wandb-app", ObservedAt: now,
				Sources: []EnvObject{{Kind: "ConfigMap", Name: "wandb-env", Changed: now.Add(-tc.changed)}}}
			for i, d := range tc.pods {
				r.Pods = append(r.Pods, PodStart{Name: "pod-" + string(rune('0'+i)), Started: now.Add(-d)})
			}
			got := RolloutPending(r)
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one finding, got %+v", got)
			}
			f := got[0]
			if f.Severity != tc.want || f.Field != "ConfigMap/wandb-env" || len(f.Actual.([]string)) != tc.stale {
				t.Errorf("finding = %+v", f)
			}
			for _, s := range tc.contains {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message %q lacks %q", f.Message, s)
				}
			}
		})
	}
}

func TestEvaluateRunsRolloutPendingOnlyWhenObserved(t *testing.T) {
	now := time.Now()
	d := &Desired{Target: "prod"}
	obs := &Observed{Rollout: &Rollout{Namespace: "wandb", Deployment: "w", ObservedAt: now,
		Pods:    []PodStart{{Name: "p", Started: now.Add(-time.Hour)}},
		Sources: []EnvObject{{Kind: "Secret", Name: "s", Changed: now.Add(-time.Minute)}}}}
	fs := Evaluate(d, obs)
	if len(fs) != 1 || fs[0].Check != IDWandbRolloutPending || fs[0].Target != "prod" {
		t.Fatalf("findings = %+v", fs)
	}
	if HasErrors(fs) {
		t.Error("a fresh pending rollout made the target drift")
	}
	if fs := Evaluate(d, &Observed{}); len(fs) != 0 {
		t.Errorf("no rollout observed, yet findings %+v", fs)
	}
	d.Ignore = []string{IDWandbRolloutPending}
	if fs := Evaluate(d, obs); len(fs) != 0 {
		t.Errorf("ignored check still reported: %+v", fs)
	}
}
