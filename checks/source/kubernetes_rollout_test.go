package source

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestKubernetesRolloutPendingComparesPodStartsWithConfigMapChanges creates
// pods whose status.startTime falls before and after a ConfigMap change (set
// through the status subresource, as the kubelet would) and checks which
// ones wandb.rollout_pending names, and when it turns from warning to error.
func TestKubernetesRolloutPendingComparesPodStartsWithConfigMapChanges(t *testing.T) {
	k := startKube(t)
	k.configMap(t, "wandb-env", map[string]string{"OIDC_ISSUER": "https://acme.okta.com"})
	k.deployment(t, "wandb-app", container("app", []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}},
	}))
	created := readRollout(t, k, time.Now()).Sources[0].Changed
	if created.IsZero() {
		t.Fatal("the ConfigMap has no change time")
	}
	k.pod(t, "wandb-app", "wandb-app-old", created.Add(-time.Hour))
	k.pod(t, "wandb-app", "wandb-app-new", created)
	k.pod(t, "other-app", "unrelated", created.Add(-time.Hour))

	t.Run("pods started at or after the ConfigMap was written are up to date, others are named", func(t *testing.T) {
		fs := checks.RolloutPending(readRollout(t, k, created.Add(time.Minute)))
		if len(fs) != 1 || strings.Join(fs[0].Actual.([]string), ",") != "wandb-app-old" {
			t.Fatalf("findings = %+v", fs)
		}
	})

	// managedFields times have a resolution of one second.
	time.Sleep(1100 * time.Millisecond)
	k.must(t, "changing the ConfigMap", func(ctx context.Context) error {
		cm, err := k.cs.CoreV1().ConfigMaps(kubeNS).Get(ctx, "wandb-env", metav1.GetOptions{})
		if err == nil {
			cm.Data["OIDC_ISSUER"] = "https://acme.okta.com/oauth2/default"
			_, err = k.cs.CoreV1().ConfigMaps(kubeNS).Update(ctx, cm, metav1.UpdateOptions{})
		}
		return err
	})
	changed := readRollout(t, k, time.Now()).Sources[0].Changed
	if !changed.After(created) {
		t.Fatalf("the change time did not move: created %s, changed %s", created, changed)
	}
	cases := []struct {
		name string
		at   time.Duration
		want checks.Severity
	}{
		{name: "five minutes after the change both pods are pending, as a warning", at: 5 * time.Minute, want: checks.SeverityWarning},
		{name: "eleven minutes after the change it is an error", at: 11 * time.Minute, want: checks.SeverityError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := checks.RolloutPending(readRollout(t, k, changed.Add(tc.at)))
			if len(fs) != 1 || fs[0].Severity != tc.want || strings.Join(fs[0].Actual.([]string), ",") != "wandb-app-old,wandb-app-new" {
				t.Fatalf("findings = %+v", fs)
			}
			if !strings.Contains(fs[0].Message, "ConfigMap wandb/wandb-env") || !strings.Contains(fs[0].Message, "kubectl rollout restart deployment/wandb-app -n wandb") {
				t.Errorf("message = %s", fs[0].Message)
			}
		})
	}
	t.Run("a pod started after the change is not pending", func(t *testing.T) {
		k.pod(t, "wandb-app", "wandb-app-rolled", changed.Add(time.Second))
		fs := checks.RolloutPending(readRollout(t, k, changed.Add(time.Minute)))
		if len(fs) != 1 || strings.Contains(strings.Join(fs[0].Actual.([]string), ","), "rolled") {
			t.Fatalf("findings = %+v", fs)
		}
	})
}

func readRollout(t *testing.T, k *kubeCluster, now time.Time) *checks.Rollout {
	t.Helper()
	r := k.reader("wandb-app")
	r.Now = func() time.Time { return now }
	env, err := r.Env(t.Context())
	if err != nil {
		t.Fatalf("reading the live env: %v", err)
	}
	if env.Rollout == nil || len(env.Rollout.Sources) != 1 || !env.Rollout.ObservedAt.Equal(now) {
		t.Fatalf("rollout observation = %+v", env.Rollout)
	}
	return env.Rollout
}
