package deploy_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/kubetest"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	sigsyaml "sigs.k8s.io/yaml"
)

func TestRoleIsReadOnly(t *testing.T) {
	for _, d := range docs(t, "kubernetes/rbac.yaml") {
		rules, _ := dig(d, "rules").([]any)
		for _, r := range rules {
			verbs, _ := dig(r, "verbs").([]any)
			for _, v := range verbs {
				if !slices.Contains([]string{"get", "list", "watch"}, v.(string)) {
					t.Errorf("rule %v grants %s", r, v)
				}
			}
		}
	}
	pod := dig(docs(t, "kubernetes/deployment.yaml")[0], "spec", "template", "spec")
	if dig(pod, "serviceAccountName") != "driftd" || dig(pod, "automountServiceAccountToken") != true {
		t.Error("the Deployment does not run with the driftd ServiceAccount's token")
	}
}

// operatorInstall creates what the operator-wandb chart runs for a
// WeightsAndBiases resource named wandb (the wandb-app Deployment reading
// the ConfigMaps and Secrets of values.yaml app.envFrom, a secretKeyRef for
// MySQL), and what the v2 operator runs for it: the resource as v2 and its
// `api` Deployment.
func operatorInstall(t *testing.T, srv *kubetest.Server, cs kubernetes.Interface) {
	ctx := t.Context()
	var envFrom []corev1.EnvFromSource
	for _, name := range []string{"bucket", "redis", "kafka", "global", "api", "glue", "frontend", "app", "local"} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-" + name + "-configmap"}, Data: map[string]string{}}
		if name == "api" {
			cm.Data = map[string]string{"GORILLA_OIDC_CLIENT_ID": "0oa1", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com,null"}
		}
		must(t)(cs.CoreV1().ConfigMaps("wandb").Create(ctx, cm, metav1.CreateOptions{}))
		envFrom = append(envFrom, corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}})
	}
	for _, name := range []string{"wandb-global-secret", "wandb-gorilla-session-key", "wandb-mysql"} {
		must(t)(cs.CoreV1().Secrets("wandb").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{}))
		if name != "wandb-mysql" {
			envFrom = append(envFrom, corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}})
		}
	}
	labels := map[string]string{"app.kubernetes.io/name": "app"}
	must(t)(cs.AppsV1().Deployments("wandb").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "wandb-app"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local", EnvFrom: envFrom, Env: []corev1.EnvVar{
				{Name: "MYSQL_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-mysql"}, Key: "k"}}}}}}},
		}}}, metav1.CreateOptions{}))
	// The v2 operator's side (checks/source kubernetes_operator_v2_test.go
	// says what each object models): the resource as v2, the Secret its
	// spec.wandb.oidc points at, and the `api` Deployment its Application
	// controls, reading that Secret by secretKeyRef.
	dyn, cr := operatorV2(t, srv)
	must(t)(dyn.Resource(source.WeightsAndBiasesV2).Namespace("wandb").Create(ctx, cr, metav1.CreateOptions{}))
	must(t)(cs.CoreV1().Secrets("wandb").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wandb-oidc-converted"},
		StringData: map[string]string{"clientId": "0oa1", "issuerUrl": "https://acme.okta.com", "authMethod": "implicit"}}, metav1.CreateOptions{}))
	ref := func(key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc-converted"}, Key: key}}
	}
	apiLabels := map[string]string{"app.kubernetes.io/name": "api"}
	controller := true
	must(t)(cs.AppsV1().Deployments("wandb").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "api",
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps.wandb.com/v2", Kind: "Application", Name: "api", UID: "5f0c6a1e-2b1d-4c55-9a0e-6b1f0d9c1a01", Controller: &controller}}},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: apiLabels}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: apiLabels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: "wandb/megabinary", Env: []corev1.EnvVar{
				{Name: "GORILLA_OIDC_CLIENT_ID", ValueFrom: ref("clientId")},
				{Name: "GORILLA_OIDC_ISSUER", ValueFrom: ref("issuerUrl")},
				{Name: "GORILLA_AUTH_METHOD", ValueFrom: ref("authMethod")},
				{Name: "MYSQL_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-mysql"}, Key: "k"}}}}}}},
		}}}, metav1.CreateOptions{}))
}

func must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// applyRBAC creates serviceaccount.yaml and rbac.yaml in namespace wandb
// and returns a config with a token of the ServiceAccount.
func applyRBAC(t *testing.T, srv *kubetest.Server, cs kubernetes.Interface) *rest.Config {
	return applyRBACIn(t, srv, cs, "wandb")
}

// applyRBACIn is applyRBAC in namespace ns, as kustomize's namespace would
// set it.
func applyRBACIn(t *testing.T, srv *kubetest.Server, cs kubernetes.Interface, ns string) *rest.Config {
	ctx := t.Context()
	var sa corev1.ServiceAccount
	unmarshalFile(t, "kubernetes/serviceaccount.yaml", &sa)
	must(t)(cs.CoreV1().ServiceAccounts(ns).Create(ctx, &sa, metav1.CreateOptions{}))
	raw, err := os.ReadFile("kubernetes/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(raw), "\n---\n")
	var role rbacv1.Role
	var binding rbacv1.RoleBinding
	unmarshal(t, parts[0], &role)
	unmarshal(t, parts[1], &binding)
	binding.Subjects[0].Namespace = ns // kustomize's namespace transformer does this
	must(t)(cs.RbacV1().Roles(ns).Create(ctx, &role, metav1.CreateOptions{}))
	must(t)(cs.RbacV1().RoleBindings(ns).Create(ctx, &binding, metav1.CreateOptions{}))
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.AnonymousClientConfig(srv.Config)
	cfg.BearerToken = tr.Status.Token
	return cfg
}

func unmarshalFile(t *testing.T, path string, into any) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	unmarshal(t, string(raw), into)
}

func unmarshal(t *testing.T, doc string, into any) {
	if err := sigsyaml.Unmarshal([]byte(doc), into); err != nil {
		t.Fatal(err)
	}
}

// TestShippedRoleIsEnoughAndNoMore applies the shipped ServiceAccount and
// Role to a real API server next to an operator-shaped W&B install: driftd
// reads both the Deployment and the WeightsAndBiases resource with that
// token, and the token can neither write nor read a Secret it does not need.
func TestShippedRoleIsEnoughAndNoMore(t *testing.T) {
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	must(t)(cs.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wandb"}}, metav1.CreateOptions{}))
	operatorInstall(t, srv, cs)
	cfg := applyRBAC(t, srv, cs)
	kubeconfig := kubetest.WriteKubeconfig(t, cfg)

	for _, r := range []*source.KubernetesEnv{
		{Kubeconfig: kubeconfig, Namespace: "wandb", Deployment: "wandb-app"},
		{Kubeconfig: kubeconfig, Namespace: "wandb", WeightsAndBiases: "wandb"},
	} {
		var err error
		// RBAC reads the new Role through an informer: allow it a moment.
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if _, err = r.Env(t.Context()); err == nil || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			t.Errorf("reading W&B with the shipped Role: %v", err)
		}
	}
	limited := kubetest.Clientset(t, cfg)
	ctx := context.Background()
	if _, err := limited.CoreV1().Secrets("wandb").Get(ctx, "wandb-mysql", metav1.GetOptions{}); err == nil {
		t.Error("the Role lets driftd read the MySQL Secret")
	}
	cm, err := limited.CoreV1().ConfigMaps("wandb").Get(ctx, "wandb-api-configmap", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data["GORILLA_OIDC_CLIENT_ID"] = "0oa-changed"
	if _, err := limited.CoreV1().ConfigMaps("wandb").Update(ctx, cm, metav1.UpdateOptions{}); err == nil {
		t.Error("the Role lets driftd change a ConfigMap")
	}
}

// operatorV2 installs the W&B operator's CRD (v1 and v2) and returns a
// dynamic client and the v2 WeightsAndBiases resource of the operator's
// testdata, not yet created.
func operatorV2(t *testing.T, srv *kubetest.Server) (*dynamic.DynamicClient, *unstructured.Unstructured) {
	t.Helper()
	srv.InstallCRDs(t, "../checks/source/testdata/operator/weightsandbiases-crd-v1-v2.yaml")
	dyn, err := dynamic.NewForConfig(srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../checks/source/testdata/operator/weightsandbiases-v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cr := &unstructured.Unstructured{}
	unmarshal(t, string(raw), &cr.Object)
	return dyn, cr
}
