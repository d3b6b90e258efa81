package source

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
)

// specActiveValues are the values the v1 operator saved for wandbCR() after
// applying it: the resource's spec.values merged with the release channel's
// and the operator's (weightsandbiases_controller.go: crdSpec, userInput,
// deployer, operator.Defaults), JSON-encoded by
// pkg/wandb/spec/state/secrets/secrets.go write. The issuer carries a
// trailing slash that the resource's spec.values does not: what the
// operator applied, not what the resource says. The license and the MySQL
// password are there as in a real install, and never read.
const specActiveValues = `{"global":{"host":"https://wandb.acme.com","license":"eyJhbGciOi-license-never-read",` +
	`"auth":{"oidc":{"clientId":"0oa1","issuer":"https://acme.okta.com/","authMethod":"pkce"}},` +
	`"mysql":{"host":"wandb-mysql","password":"mysql-password-never-read"}},` +
	`"app":{"extraCors":["https://notebooks.acme.com"]}}`

// specActiveSecret creates `wandb-spec-active` as the operator writes it
// (secrets.go write: data chart, values and metadata, each JSON; the chart
// a charts.RepoRelease, pkg/wandb/spec/charts/repo.go).
func (k *kubeCluster) specActiveSecret(t *testing.T, values string) {
	t.Helper()
	k.must(t, "creating wandb-spec-active", func(ctx context.Context) error {
		_, err := k.cs.CoreV1().Secrets(kubeNS).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: SpecActiveSecret("wandb")},
			Data: map[string][]byte{
				"chart":    []byte(`{"url":"https://charts.wandb.ai","name":"operator-wandb","version":"0.43.8","password":"","username":"","debug":false}`),
				"values":   []byte(values),
				"metadata": []byte(`null`),
			}}, metav1.CreateOptions{})
		return err
	})
}

// TestOperatorV1WithoutAReadableAppReadsTheValuesTheOperatorApplied: under
// v1 (the operator's CRD before v2, on a real API server), when the app
// Deployment is not there or driftd may not read Deployments, the
// observation is the env the chart renders from `<name>-spec-active`'s
// values: the operator's, not the resource's.
func TestOperatorV1WithoutAReadableAppReadsTheValuesTheOperatorApplied(t *testing.T) {
	k := startKube(t)
	k.srv.InstallCRDs(t, operatorCRDv1)
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	k.must(t, "creating the v1 WeightsAndBiases resource", func(ctx context.Context) error {
		_, err := dyn.Resource(WeightsAndBiasesV1).Namespace(kubeNS).Create(ctx, wandbCR(), metav1.CreateOptions{})
		return err
	})
	reader := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	t.Run("neither the app nor the Secret: an error naming both", func(t *testing.T) {
		_, err := reader.Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "runs no app deployment") || !strings.Contains(err.Error(), "secret wandb/wandb-spec-active not found") {
			t.Errorf("err = %v", err)
		}
	})
	k.specActiveSecret(t, specActiveValues)
	check := func(t *testing.T, r *KubernetesEnv) {
		t.Helper()
		env, err := r.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(env.Source, ":weightsandbiases/wandb/wandb/secret/wandb-spec-active") {
			t.Errorf("source %s", env.Source)
		}
		fs := wandbFindings(env)
		if len(fs) != 1 || fs[0].Check != checks.IDWandbIssuer || fs[0].Actual != "https://acme.okta.com/" ||
			!strings.Contains(fs[0].Message, "Fix it in WeightsAndBiases wandb/wandb spec.values.global.auth.oidc.issuer.") {
			t.Errorf("findings %+v", fs)
		}
		for k, v := range env.Vars {
			if strings.Contains(v, "never-read") || !isCheckedKey(k) {
				t.Errorf("an unchecked value was kept: %s", k)
			}
		}
	}
	t.Run("no app Deployment: the applied values", func(t *testing.T) { check(t, reader) })
	t.Run("a Role without get on Deployments: the applied values", func(t *testing.T) {
		cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd-nodeploy", Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"apps.wandb.com"}, Resources: []string{"weightsandbiases"}, Verbs: []string{"get"}},
			{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"wandb-spec-active"}, Verbs: []string{"get"}},
		}})
		check(t, &KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second})
	})
	t.Run("the app Deployment, once there, is what is read", func(t *testing.T) {
		k.configMap(t, "wandb-api-configmap", map[string]string{"GORILLA_OIDC_CLIENT_ID": "0oa1", "GORILLA_OIDC_ISSUER": "https://acme.okta.com",
			"GORILLA_AUTH_METHOD": "pkce", "GORILLA_CORS_ORIGINS": "https://notebooks.acme.com,https://wandb.acme.com,null"})
		k.deployment(t, "wandb-app-bc", container("app", []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-api-configmap"}}}}))
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if fs := wandbFindings(env); len(fs) != 0 || !strings.HasSuffix(env.Source, "/deployment/wandb-app-bc/app") {
			t.Errorf("source %s, findings %+v", env.Source, fs)
		}
	})
}
