package source

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
)

func TestOperatorAppDeploymentsAreNamedAsTheChartNamesThem(t *testing.T) {
	long := strings.Repeat("w", 60)
	cases := []struct {
		name, release string
		want          []string
	}{
		{"a resource named wandb runs api under v2, wandb-app-bc under v1, formerly wandb-app", "wandb", []string{"api", "wandb-app-bc", "wandb-app"}},
		{"a release name containing app is the full name alone", "myapp", []string{"api", "myapp-bc", "myapp"}},
		{"the full name is cut at 63 characters before the postfix", long, []string{"api", long + "-ap-bc", long + "-ap"}},
		{"a cut that ends in '-' loses it", strings.Repeat("w", 62), []string{"api", strings.Repeat("w", 62) + "-bc", strings.Repeat("w", 62)}},
		{"a release of 63 characters leaves no room for -app", strings.Repeat("w", 63), []string{"api", strings.Repeat("w", 63) + "-bc", strings.Repeat("w", 63)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := OperatorAppDeployments(tc.release); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWeightsAndBiasesRolloutPendingReadsTheOperatorsAppDeployment runs the
// resource next to the app Deployment the operator would run for it, with a
// pod started before the local ConfigMap changed.
func TestWeightsAndBiasesRolloutPendingReadsTheOperatorsAppDeployment(t *testing.T) {
	k := startKube(t)
	k.srv.InstallCRDs(t, filepath.Join("testdata", "chartenv", "weightsandbiases-crd.yaml"))
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	k.must(t, "creating the WeightsAndBiases resource", func(ctx context.Context) error {
		_, err := dyn.Resource(WeightsAndBiasesV1).Namespace(kubeNS).Create(ctx, wandbCR(), metav1.CreateOptions{})
		return err
	})
	reader := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	read := func(t *testing.T, at time.Time) *checks.Rollout {
		t.Helper()
		reader.Now = func() time.Time { return at }
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return env.Rollout
	}
	t.Run("without an app Deployment there is nothing to read", func(t *testing.T) {
		if _, err := reader.Env(t.Context()); err == nil || !strings.Contains(err.Error(), "runs no app deployment") {
			t.Errorf("err = %v", err)
		}
	})
	k.configMap(t, "wandb-local-configmap", map[string]string{"OIDC_CLIENT_ID": "0oa1"})
	k.deployment(t, "wandb-app", container("app", []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-local-configmap"}}},
	}))
	k.pod(t, "wandb-app", "wandb-app-1", time.Now().Add(-time.Hour))
	t.Run("a pod older than the ConfigMap its app reads is pending", func(t *testing.T) {
		at := time.Now().Add(11 * time.Minute)
		r := read(t, at)
		if r == nil || r.Deployment != "wandb-app" || !r.ObservedAt.Equal(at) {
			t.Fatalf("rollout %+v", r)
		}
		fs := checks.RolloutPending(r)
		if len(fs) != 1 || fs[0].Severity != checks.SeverityError || !strings.Contains(fs[0].Message, "wandb-local-configmap") {
			t.Errorf("findings %+v", fs)
		}
	})
	t.Run("the postfixed Deployment of a current chart wins", func(t *testing.T) {
		k.deployment(t, "wandb-app-bc", container("app", nil))
		if r := read(t, time.Now()); r == nil || r.Deployment != "wandb-app-bc" || len(r.Sources) != 0 {
			t.Errorf("rollout %+v, want wandb-app-bc's, which reads no ConfigMap", r)
		}
	})
}
