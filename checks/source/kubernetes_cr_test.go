package source

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/internal/kubetest"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
)

// wandbCR is a WeightsAndBiases resource as a user of the W&B operator v1
// writes it (spec.values in the operator-wandb chart's shape).
func wandbCR() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps.wandb.com/v1", "kind": "WeightsAndBiases",
		"metadata": map[string]any{"name": "wandb"},
		"spec": map[string]any{
			"chart": map[string]any{"url": "http://charts.wandb.ai", "name": "operator-wandb"},
			"values": map[string]any{
				"global": map[string]any{
					"host": "https://wandb.acme.com",
					"auth": map[string]any{"oidc": map[string]any{"clientId": "0oa1", "issuer": "https://acme.okta.com", "authMethod": "pkce"}},
				},
				"app": map[string]any{"extraCors": []any{"https://notebooks.acme.com"}},
			},
		},
	}}
}

// operatorDesired is the desired state the operator fixtures are in sync with.
func operatorDesired() *checks.Desired {
	return &checks.Desired{ClientID: "0oa1", Issuer: "https://acme.okta.com", AuthMethod: checks.PKCE,
		CORSOrigins: []string{"https://wandb.acme.com", "null"}}
}

// wandbFindings evaluates only the W&B env checks.
func wandbFindings(env *checks.WandbEnv) []checks.Finding {
	return checks.Evaluate(operatorDesired(), &checks.Observed{Env: env})
}

// TestKubernetesWeightsAndBiasesReadErrorsNameWhatIsMissing: a missing
// resource, a missing CRD and a Role without the resource are errors that
// say so.
func TestKubernetesWeightsAndBiasesReadErrorsNameWhatIsMissing(t *testing.T) {
	k := startKube(t)
	t.Run("without the CRD the error says the API serves no weightsandbiases", func(t *testing.T) {
		_, err := (&KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb"}).Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "serves no weightsandbiases.apps.wandb.com (tried v2, v1)") {
			t.Errorf("err = %v", err)
		}
	})
	k.srv.InstallCRDs(t, operatorCRDv1v2)
	t.Run("a missing resource names it", func(t *testing.T) {
		_, err := (&KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "other"}).Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "weightsandbiases wandb/other not found") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a token without the resource in its Role is refused get on weightsandbiases", func(t *testing.T) {
		cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd-nocr", Rules: []rbacv1.PolicyRule{getDeployments}})
		_, err := (&KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, WeightsAndBiases: "wandb"}).Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "lacks get on weightsandbiases.apps.wandb.com in namespace wandb") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestKubernetesConnectionIsResolvedLikeKubectl: $KUBECONFIG when no file is
// configured, and a named context over the current one.
func TestKubernetesConnectionIsResolvedLikeKubectl(t *testing.T) {
	k := startKube(t)
	k.deployment(t, "wandb-app", container("app", nil, literal("OIDC_CLIENT_ID", "0oa1")))
	// A kubeconfig whose current context is a dead server, with a second
	// context for the real one.
	kc, err := clientcmd.LoadFromFile(k.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	silent, err := clientcmd.LoadFromFile(silentKubeconfig(t))
	if err != nil {
		t.Fatal(err)
	}
	kc.Clusters["silent"], kc.AuthInfos["silent"], kc.Contexts["silent"] = silent.Clusters["silent"], silent.AuthInfos["silent"], silent.Contexts["silent"]
	kc.CurrentContext = "silent"
	path := filepath.Join(t.TempDir(), "config")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "") // not in a cluster
	t.Setenv("KUBECONFIG", path)
	cases := []struct {
		name, context, want string
	}{
		{name: "$KUBECONFIG's current context is used when none is named", want: "did not answer"},
		{name: "a named context is used over the current one", context: "kubetest", want: "kubernetes:kubetest:deployment/wandb/wandb-app/app"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := (&KubernetesEnv{Context: tc.context, Namespace: kubeNS, Deployment: "wandb-app", Timeout: 300 * time.Millisecond}).Env(t.Context())
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = env.Source
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
