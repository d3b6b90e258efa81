package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// operatorCRDs are the W&B operator's CRDs: as published now (v1 and v2,
// v2 stored) and as published while v1 was the only version.
var (
	operatorCRDv1v2 = filepath.Join("testdata", "operator", "weightsandbiases-crd-v1-v2.yaml")
	operatorCRDv1   = filepath.Join("testdata", "chartenv", "weightsandbiases-crd.yaml")
)

// readCR reads a WeightsAndBiases resource from testdata/operator.
func readCR(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "operator", name))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(raw, &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

// secretEnv is an env entry read from a Secret key, as the v2 operator
// writes one for a custom-resource source holding a SecretKeySelector
// (wandb/operator internal/controller/reconciler/pods.go resolveEnvvars: a
// single secret-backed component is emitted as a direct secretKeyRef).
func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

// operatorV2Deployment creates the `api` Deployment the v2 operator runs for
// weightsandbiases-v2.yaml, controlled by the Application `api`
// (internal/controller/application_controller.go reconcileDeployment): the
// gorillaOnprem env of the server manifest from spec.wandb.oidc, then the
// legacy override env, applied last (reconcile_v2.go applyLegacyOverrideEnv).
// No operator runs here, so the test writes what it would.
func (k *kubeCluster) operatorV2Deployment(t *testing.T, name, application string) {
	t.Helper()
	labels := map[string]string{"app.kubernetes.io/name": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{
				container("api", nil,
					secretEnv("GORILLA_OIDC_CLIENT_ID", "wandb-oidc-converted", "clientId"),
					secretEnv("GORILLA_OIDC_SECRET", "wandb-oidc-converted", "clientSecret"),
					secretEnv("GORILLA_OIDC_ISSUER", "wandb-oidc-converted", "issuerUrl"),
					secretEnv("GORILLA_AUTH_METHOD", "wandb-oidc-converted", "authMethod"),
					literal("GORILLA_SESSION_LENGTH", "720h"),
					literal("GORILLA_CORS_ORIGINS", "https://wandb.acme.com,null"),
				),
			}}},
		},
	}
	if application != "" {
		d.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps.wandb.com/v2", Kind: "Application", Name: application,
			UID: "5f0c6a1e-2b1d-4c55-9a0e-6b1f0d9c1a01", Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}
	}
	k.must(t, "creating deployment "+name, func(ctx context.Context) error {
		_, err := k.cs.AppsV1().Deployments(kubeNS).Create(ctx, d, metav1.CreateOptions{})
		return err
	})
}

// startOperatorV2 installs the operator's CRD, the resource of
// weightsandbiases-v2.yaml and the Secret its spec.wandb.oidc points at.
func startOperatorV2(t *testing.T) (*kubeCluster, dynamic.Interface) {
	t.Helper()
	k := startKube(t)
	k.srv.InstallCRDs(t, operatorCRDv1v2)
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	k.must(t, "creating the v2 WeightsAndBiases resource", func(ctx context.Context) error {
		_, err := dyn.Resource(WeightsAndBiasesV2).Namespace(kubeNS).Create(ctx, readCR(t, "weightsandbiases-v2.yaml"), metav1.CreateOptions{})
		return err
	})
	k.secret(t, "wandb-oidc-converted", map[string]string{"clientId": "0oa1", "clientSecret": "s3cr3t-never-read",
		"issuerUrl": "https://acme.okta.com", "authMethod": "pkce"})
	return k, dyn
}

// TestOperatorV2ResourceIsReadThroughTheDeploymentItRuns runs the operator's
// real CRD (v1 and v2, v2 stored) on a real API server, a resource created
// as v2 with its OIDC settings in a Secret, and the app Deployment the
// operator runs for it.
func TestOperatorV2ResourceIsReadThroughTheDeploymentItRuns(t *testing.T) {
	k, dyn := startOperatorV2(t)
	crs := dyn.Resource(WeightsAndBiasesV2).Namespace(kubeNS)
	reader := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}

	t.Run("without the app Deployment there is no env to read: an error naming what was looked for", func(t *testing.T) {
		_, err := reader.Env(t.Context())
		if err == nil || !strings.Contains(err.Error(), "looked for api, wandb-app-bc, wandb-app") {
			t.Errorf("err = %v", err)
		}
	})
	k.operatorV2Deployment(t, "api", "api")
	t.Run("a resource created as v2 is in sync", func(t *testing.T) {
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if fs := wandbFindings(env); len(fs) != 0 {
			t.Errorf("findings %+v, want none", fs)
		}
		if _, read := env.Vars["GORILLA_OIDC_SECRET"]; read || !strings.HasSuffix(env.Source, ":weightsandbiases/wandb/wandb/deployment/api/api") {
			t.Errorf("source %s, vars %v: the client secret must stay unread", env.Source, keys(env.Vars))
		}
		if env.Rollout == nil || env.Rollout.Deployment != "api" {
			t.Errorf("rollout %+v, want deployment api's", env.Rollout)
		}
	})
	t.Run("an edit of the Secret spec.wandb.oidc points at is drift, fixed there", func(t *testing.T) {
		k.must(t, "editing the OIDC Secret", func(ctx context.Context) error {
			s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-oidc-converted", metav1.GetOptions{})
			if err == nil {
				s.Data["issuerUrl"] = []byte("https://acme.okta.com/")
				_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
			}
			return err
		})
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		fs := wandbFindings(env)
		if len(fs) != 1 || fs[0].Check != checks.IDWandbIssuer || fs[0].Actual != "https://acme.okta.com/" ||
			!strings.Contains(fs[0].Message, "Fix it in Secret wandb/wandb-oidc-converted key issuerUrl (WeightsAndBiases wandb/wandb spec.wandb.oidc.issuerUrl).") {
			t.Errorf("findings %+v", fs)
		}
	})
	t.Run("a resource pointing at a Secret its app does not read yet says the operator has not applied it", func(t *testing.T) {
		k.must(t, "pointing spec.wandb.oidc.issuerUrl at another Secret", func(ctx context.Context) error {
			cr, err := crs.Get(ctx, "wandb", metav1.GetOptions{})
			if err == nil {
				_ = unstructured.SetNestedField(cr.Object, "wandb-oidc-2", "spec", "wandb", "oidc", "issuerUrl", "name")
				_, err = crs.Update(ctx, cr, metav1.UpdateOptions{})
			}
			return err
		})
		env, err := reader.Env(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		fs := wandbFindings(env)
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "Secret wandb/wandb-oidc-2 key issuerUrl") ||
			!strings.Contains(fs[0].Message, "deployment api does not read that key yet, so the operator has not applied the resource's current spec.wandb.oidc.issuerUrl") {
			t.Errorf("findings %+v", fs)
		}
	})
	t.Run("the v1 view of the resource holds none of its OIDC settings", func(t *testing.T) {
		// What driftd read before: the CRD's conversion is None here and the
		// operator's webhook returns only values stashed at migration, so
		// spec.values of a resource created as v2 is empty either way.
		u, err := dyn.Resource(WeightsAndBiasesV1).Namespace(kubeNS).Get(t.Context(), "wandb", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if values, found, _ := unstructured.NestedMap(u.Object, "spec", "values"); found && len(values) > 0 {
			t.Errorf("v1 spec.values = %v", values)
		}
	})
}

// TestOperatorV2AnAPIDeploymentNotRunByTheOperatorIsNotRead: a Deployment
// named api that no W&B Application controls is someone else's.
func TestOperatorV2AnAPIDeploymentNotRunByTheOperatorIsNotRead(t *testing.T) {
	k, _ := startOperatorV2(t)
	k.operatorV2Deployment(t, "api", "")
	_, err := (&KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}).Env(t.Context())
	if err == nil || !strings.Contains(err.Error(), "runs no app deployment") {
		t.Errorf("err = %v", err)
	}
}

// TestOperatorV1OnlyResourceIsReadThroughTheDeploymentItRuns: where the
// operator serves only v1 (its CRD before v2), the resource is read as v1
// and the env is that of the chart's app Deployment, fixed in spec.values.
func TestOperatorV1OnlyResourceIsReadThroughTheDeploymentItRuns(t *testing.T) {
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
	// What the operator-wandb chart renders for wandbCR()'s values
	// (templates/api.yaml and local.yaml ConfigMaps, app.envFrom).
	k.configMap(t, "wandb-api-configmap", map[string]string{"GORILLA_OIDC_CLIENT_ID": "0oa1", "GORILLA_OIDC_ISSUER": "https://acme.okta.com/",
		"GORILLA_AUTH_METHOD": "pkce", "GORILLA_CORS_ORIGINS": "https://notebooks.acme.com,https://wandb.acme.com,null"})
	k.configMap(t, "wandb-local-configmap", map[string]string{"OIDC_CLIENT_ID": "0oa1", "OIDC_ISSUER": "https://acme.okta.com/", "OIDC_AUTH_METHOD": "pkce"})
	k.deployment(t, "wandb-app-bc", container("app", []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-api-configmap"}}},
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-local-configmap"}}},
	}))
	env, err := (&KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}).Env(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	fs := wandbFindings(env)
	if len(fs) != 1 || fs[0].Check != checks.IDWandbIssuer ||
		!strings.Contains(fs[0].Message, "Fix it in WeightsAndBiases wandb/wandb spec.values.global.auth.oidc.issuer.") {
		t.Errorf("findings %+v", fs)
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestKubernetesWatchFollowsTheV2ResourceAndTheSecretItsAppReads: the watch
// of a v2 resource watches it as v2 and the operator's `api` Deployment,
// then the OIDC Secret that Deployment's env reads.
func TestKubernetesWatchFollowsTheV2ResourceAndTheSecretItsAppReads(t *testing.T) {
	k, _ := startOperatorV2(t)
	env := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	w, c := startWatch(t, env, time.Second, "WeightsAndBiases/wandb", "Deployment/api", "Deployment/wandb-app-bc", "Deployment/wandb-app")
	k.operatorV2Deployment(t, "api", "api")
	// The later change: a variable driftd does not read added to the
	// watched api Deployment, a new generation.
	marks := 0
	mark := func(t *testing.T) []string {
		marks++
		k.editDeployment(t, "api", func(c *corev1.Container) { c.Env = append(c.Env, literal(fmt.Sprintf("MARK_%d", marks), "1")) })
		return []string{"Deployment/api"}
	}
	expectOnly(t, c, mark, "Deployment/api")
	waitFor(t, watchGuard, "the watch of the OIDC Secret", func() bool {
		return slices.Contains(w.Watching(), "Secret/wandb-oidc-converted") && w.Synced()
	})
	k.must(t, "editing the OIDC Secret", func(ctx context.Context) error {
		s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-oidc-converted", metav1.GetOptions{})
		if err == nil {
			s.Data["issuerUrl"] = []byte("https://acme.okta.com/oauth2/default")
			_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
		}
		return err
	})
	expectOnly(t, c, mark, "Secret/wandb-oidc-converted")
	if errs := c.errors(); len(errs) > 0 {
		t.Errorf("watch errors: %v", errs)
	}
}
