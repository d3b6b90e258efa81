package source

import (
	"context"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A Deployment mid-rollout has pods of two ReplicaSets: driftd reads the
// current pod template, and the pods of the older one run an older env.
// The deployment controller says how many run the current template
// (k8s.io/api v0.37.1 apps/v1 types.go, DeploymentStatus.UpdatedReplicas:
// "pods targeted by this deployment that have the desired template spec")
// and when the rollout is stuck (a Progressing condition with reason
// ProgressDeadlineExceeded, same file, DeploymentSpec.ProgressDeadlineSeconds).
// The template was judged as if every pod ran it: a rollout stuck on a
// fixed template read ok while the old pods served the old env.
func TestADeploymentMidRolloutIsRolloutPending(t *testing.T) {
	k := startKube(t)
	tests := []struct {
		name    string
		status  appsv1.DeploymentStatus
		want    checks.Severity
		message string
	}{
		{"every pod on the current template", appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3}, "", ""},
		{"a rollout under way is a warning", appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 1},
			checks.SeverityWarning, "1 of 3 pods"},
		{"a rollout past its progress deadline is an error", appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 4, UpdatedReplicas: 2,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded"}}},
			checks.SeverityError, "ProgressDeadlineExceeded"},
	}
	desired := &checks.Desired{Target: "prod", ClientID: "0oa1", Issuer: "https://acme.okta.com", AuthMethod: checks.Implicit}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "wandb-app-" + string(rune('a'+i))
			k.deployment(t, name, container("app", nil, literal("OIDC_CLIENT_ID", "0oa1"), literal("OIDC_ISSUER", "https://acme.okta.com")))
			k.must(t, "setting the deployment's status as its controller would", func(ctx context.Context) error {
				d, err := k.cs.AppsV1().Deployments(kubeNS).Get(ctx, name, metav1.GetOptions{})
				if err == nil {
					d.Status = tc.status
					_, err = k.cs.AppsV1().Deployments(kubeNS).UpdateStatus(ctx, d, metav1.UpdateOptions{})
				}
				return err
			})
			env, err := k.reader(name).Env(t.Context())
			if err != nil {
				t.Fatalf("reading the live env: %v", err)
			}
			var got []checks.Finding
			for _, f := range checks.Evaluate(desired, &checks.Observed{Env: env, Rollout: env.Rollout}) {
				if f.Check == checks.IDWandbRolloutPending {
					got = append(got, f)
				}
			}
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("findings %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != tc.want {
				t.Fatalf("findings %+v, want one %s", got, tc.want)
			}
			for _, want := range []string{tc.message, "deployment/" + name, kubeNS} {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("message %q does not say %q", got[0].Message, want)
				}
			}
		})
	}
}
