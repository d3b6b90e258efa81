package source

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/internal/kubetest"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

// wandbCR is a WeightsAndBiases resource as a user of the W&B operator
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

// TestKubernetesWeightsAndBiasesResourceIsReadWithTheDynamicClient installs
// the operator's CRD on a real API server, creates the resource, reads the
// env the chart would give the app, edits the resource and reads again.
func TestKubernetesWeightsAndBiasesResourceIsReadWithTheDynamicClient(t *testing.T) {
	k := startKube(t)
	k.srv.InstallCRDs(t, filepath.Join("testdata", "chartenv", "weightsandbiases-crd.yaml"))
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	crs := dyn.Resource(WeightsAndBiasesResource).Namespace(kubeNS)
	k.must(t, "creating the WeightsAndBiases resource", func(ctx context.Context) error {
		_, err := crs.Create(ctx, wandbCR(), metav1.CreateOptions{})
		return err
	})
	reader := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	t.Run("the chart's OIDC and CORS env is derived from spec.values", func(t *testing.T) {
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertEnv(t, env.Vars, map[string]string{
			"OIDC_CLIENT_ID": "0oa1", "GORILLA_OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "pkce",
			"GORILLA_CORS_ORIGINS": "https://notebooks.acme.com,https://wandb.acme.com,null",
		}, nil)
		if env.Rollout != nil || !strings.HasSuffix(env.Source, ":weightsandbiases/wandb/wandb") {
			t.Errorf("source %s, rollout %+v", env.Source, env.Rollout)
		}
	})
	t.Run("an edit of the resource's issuer is drift", func(t *testing.T) {
		k.must(t, "editing the resource", func(ctx context.Context) error {
			cr, err := crs.Get(ctx, "wandb", metav1.GetOptions{})
			if err == nil {
				_ = unstructured.SetNestedField(cr.Object, "https://acme.okta.com/", "spec", "values", "global", "auth", "oidc", "issuer")
				_, err = crs.Update(ctx, cr, metav1.UpdateOptions{})
			}
			return err
		})
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		fs := checks.WandbIssuer(&checks.Desired{Issuer: "https://acme.okta.com"}, env)
		if len(fs) == 0 || !strings.Contains(fs[0].Message, "trailing slash") {
			t.Errorf("findings = %+v", fs)
		}
	})
	t.Run("a missing resource names it and the CRD", func(t *testing.T) {
		_, err := (&KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "other"}).Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "weightsandbiases wandb/other not found") || !strings.Contains(err.Error(), "CRD") {
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
