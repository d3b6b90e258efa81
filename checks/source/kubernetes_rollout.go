package source

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// observeRollout lists the Deployment's running pods (by its selector) and
// pairs them with the ConfigMaps and Secrets its env read, for
// wandb.rollout_pending. The caller sets ObservedAt.
func observeRollout(ctx context.Context, r *kubeRead, d *appsv1.Deployment, refs *envRefs) (*checks.Rollout, error) {
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("reading the pods of deployment %s/%s: its selector: %w", r.ns, d.Name, err)
	}
	var pods *corev1.PodList
	err = r.call(ctx, func(ctx context.Context) (err error) {
		pods, err = r.cs.pods(r.ns).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
		return err
	})
	if err != nil {
		return nil, r.apiError(err, "list", "pods", "pods", "")
	}
	out := &checks.Rollout{Namespace: r.ns, Deployment: d.Name, Pods: []checks.PodStart{}, Sources: refs.sources()}
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil || p.Status.StartTime == nil ||
			p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		out.Pods = append(out.Pods, checks.PodStart{Name: p.Name, Started: p.Status.StartTime.Time})
	}
	sort.Slice(out.Pods, func(i, j int) bool { return out.Pods[i].Name < out.Pods[j].Name })
	if out.Sources == nil {
		out.Sources = []checks.EnvObject{}
	}
	out.Template = templateRollout(d)
	return out, nil
}

// templateRollout reads from the Deployment's status whether some of its
// pods run an older pod template (k8s.io/api v0.37.1 apps/v1 types.go,
// DeploymentStatus.UpdatedReplicas: the pods "that have the desired template
// spec"; a Progressing condition with reason ProgressDeadlineExceeded once
// the rollout is stuck, DeploymentSpec.ProgressDeadlineSeconds). nil when
// every pod runs it, or the controller has not observed the spec yet.
func templateRollout(d *appsv1.Deployment) *checks.TemplateRollout {
	st := d.Status
	if st.ObservedGeneration < d.Generation || st.UpdatedReplicas >= st.Replicas {
		return nil
	}
	t := &checks.TemplateRollout{Replicas: st.Replicas, Updated: st.UpdatedReplicas}
	for _, c := range st.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			t.Stuck = true
		}
	}
	return t
}

// expandEnv expands $(VAR) references in a literal env value as the kubelet
// does (k8s.io/kubernetes v1.37.2 third_party/forked/golang/expansion
// expand.go): $(NAME) becomes NAME's value when defined so far and stays as
// written otherwise, $$ is a literal $, and any other $ is kept. Service
// link variables (FOO_SERVICE_HOST) are not known here and stay unexpanded.
func expandEnv(in string, env map[string]string) string {
	if !strings.Contains(in, "$") {
		return in
	}
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if in[i] != '$' || i+1 >= len(in) {
			b.WriteByte(in[i])
			continue
		}
		switch rest := in[i+1:]; {
		case rest[0] == '$':
			b.WriteByte('$')
			i++
		case rest[0] == '(':
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			name := rest[1:end]
			if v, ok := env[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += end + 1
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}
