package checks

import (
	"fmt"
	"sort"
	"time"
)

// RolloutGrace is how long a rollout may be pending before
// wandb.rollout_pending is an error rather than a warning: long enough for a
// `kubectl rollout restart` (or the operator) to replace the pods.
const RolloutGrace = 10 * time.Minute

// Rollout is what driftd reads of a W&B Deployment's running pods and of the
// ConfigMaps and Secrets they take env from. Kubernetes resolves env only when
// a container starts, so an object changed after a pod started is not what
// that pod runs with.
type Rollout struct {
	Namespace  string `json:"namespace"`
	Deployment string `json:"deployment"`
	// ObservedAt is when the objects were read: the evaluation time.
	ObservedAt time.Time `json:"observed_at"`
	// Pods are the running pods of the Deployment's selector.
	Pods []PodStart `json:"pods"`
	// Sources are the ConfigMaps and Secrets the W&B container reads env from.
	Sources []EnvObject `json:"sources"`
	// Template, when set, says that some pods still run an older pod
	// template than the one read: the Deployment is mid-rollout.
	Template *TemplateRollout `json:"template,omitempty"`
}

// TemplateRollout is a Deployment's rollout of its current pod template, as
// its controller reports it in status.
type TemplateRollout struct {
	Replicas int32 `json:"replicas"`
	Updated  int32 `json:"updated"`
	// Stuck: the controller gave up waiting (ProgressDeadlineExceeded).
	Stuck bool `json:"stuck"`
}

// PodStart is a running pod and when it started (status.startTime).
type PodStart struct {
	Name    string    `json:"name"`
	Started time.Time `json:"started"`
}

// EnvObject is a ConfigMap or Secret and when it last changed (the newest of
// its managedFields times, else its creationTimestamp).
type EnvObject struct {
	Kind    string    `json:"kind"`
	Name    string    `json:"name"`
	Changed time.Time `json:"changed"`
}

// RolloutPending: every ConfigMap or Secret the W&B pods read must be older
// than the pods, or the pods still run the old env. A warning while the
// change is fresh (a rollout may be under way), an error after RolloutGrace.
func RolloutPending(r *Rollout) []Finding {
	var out []Finding
	if t := r.Template; t != nil {
		out = append(out, templatePending(r, t))
	}
	for _, src := range r.Sources {
		stale := stalePods(r.Pods, src.Changed)
		if len(stale) == 0 {
			continue
		}
		age := r.ObservedAt.Sub(src.Changed)
		sev := SeverityWarning
		if age > RolloutGrace {
			sev = SeverityError
		}
		out = append(out, Finding{
			Severity: sev,
			Field:    src.Kind + "/" + src.Name,
			Expected: "pods started after " + src.Changed.UTC().Format(time.RFC3339),
			Actual:   stale,
			Message: fmt.Sprintf("%s %s/%s changed %s ago (%s), after %d running pod(s) of deployment %s started (%s): they still run the old env. Roll them: kubectl rollout restart deployment/%s -n %s",
				src.Kind, r.Namespace, src.Name, age.Round(time.Second), src.Changed.UTC().Format(time.RFC3339),
				len(stale), r.Deployment, listPods(stale), r.Deployment, r.Namespace),
		})
	}
	return out
}

// stalePods names the pods that started before changed, oldest first.
func stalePods(pods []PodStart, changed time.Time) []string {
	sorted := append([]PodStart(nil), pods...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Started.Before(sorted[j].Started) })
	var out []string
	for _, p := range sorted {
		if p.Started.Before(changed) {
			out = append(out, p.Name)
		}
	}
	return out
}

func listPods(names []string) string {
	const shown = 3
	if len(names) <= shown {
		return quoteList(names)
	}
	return fmt.Sprintf("%s and %d more", quoteList(names[:shown]), len(names)-shown)
}

// templatePending: some pods run an older pod template than the one whose
// env was judged. A warning while the rollout progresses, an error once the
// controller reports it stuck.
func templatePending(r *Rollout, t *TemplateRollout) Finding {
	f := Finding{
		Severity: SeverityWarning,
		Field:    "deployment/" + r.Deployment,
		Expected: fmt.Sprintf("%d of %d pods on the current template", t.Replicas, t.Replicas),
		Actual:   fmt.Sprintf("%d of %d pods on the current template", t.Updated, t.Replicas),
		Message: fmt.Sprintf("Deployment %s/%s is mid-rollout: %d of %d pods run its current pod template, whose env this run judged; the others run an older one. Follow it: kubectl rollout status deployment/%s -n %s",
			r.Namespace, r.Deployment, t.Updated, t.Replicas, r.Deployment, r.Namespace),
	}
	if t.Stuck {
		f.Severity = SeverityError
		f.Message = fmt.Sprintf("The rollout of deployment %s/%s is stuck (ProgressDeadlineExceeded): %d of %d pods run its current pod template, whose env this run judged; the others still run an older one. See why: kubectl rollout status deployment/%s -n %s",
			r.Namespace, r.Deployment, t.Updated, t.Replicas, r.Deployment, r.Namespace)
	}
	return f
}
