package kubetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// TestObjectsRoundTripThroughTheRealAPIServer writes the objects driftd's
// kubernetes source reads and reads them back, so the real server's
// defaulting is visible (a fake clientset would return exactly what was
// written).
func TestObjectsRoundTripThroughTheRealAPIServer(t *testing.T) {
	srv := Start(t)
	cs := Clientset(t, srv.Config)
	ctx := t.Context()
	const ns = "wandb"

	mustCreate(t, "namespace", func() error {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, "configmap", func() error {
		_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"},
			Data:       map[string]string{"OIDC_ISSUER": "https://example.okta.com"},
		}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, "secret", func() error {
		_, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "wandb-oidc"},
			StringData: map[string]string{"OIDC_CLIENT_SECRET": "not-a-real-secret"},
		}, metav1.CreateOptions{})
		return err
	})
	mustCreate(t, "deployment", func() error {
		_, err := cs.AppsV1().Deployments(ns).Create(ctx, wandbDeployment(), metav1.CreateOptions{})
		return err
	})

	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "wandb-env", metav1.GetOptions{})
	if err != nil || cm.Data["OIDC_ISSUER"] != "https://example.okta.com" {
		t.Errorf("reading the ConfigMap back: data %v, err %v", cm.Data, err)
	}
	if err == nil && len(cm.ManagedFields) == 0 {
		t.Errorf("the ConfigMap has no managed fields; rollout_pending needs their times")
	}
	secret, err := cs.CoreV1().Secrets(ns).Get(ctx, "wandb-oidc", metav1.GetOptions{})
	// The server turns stringData into data and sets the default type.
	if err != nil || string(secret.Data["OIDC_CLIENT_SECRET"]) != "not-a-real-secret" || secret.Type != corev1.SecretTypeOpaque {
		t.Errorf("reading the Secret back: the server did not store stringData as Opaque data (err %v)", err)
	}
	dep, err := cs.AppsV1().Deployments(ns).Get(ctx, "wandb", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Deployment back: %v", err)
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if len(c.Env) != 3 || c.Env[2].ValueFrom == nil || c.Env[2].ValueFrom.SecretKeyRef.Name != "wandb-oidc" {
		t.Errorf("Deployment env came back as %+v", c.Env)
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef.Name != "wandb-env" {
		t.Errorf("Deployment envFrom came back as %+v", c.EnvFrom)
	}
	if dep.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || c.TerminationMessagePath == "" {
		t.Errorf("the server did not fill the Deployment's defaults: strategy %q, terminationMessagePath %q",
			dep.Spec.Strategy.Type, c.TerminationMessagePath)
	}
}

// TestAServiceAccountIsRefusedWhatItsRoleDoesNotGrant checks both sides of
// a limited Role: what it grants works with the issued token, and anything
// else is a 403 that names the user, verb and resource.
func TestAServiceAccountIsRefusedWhatItsRoleDoesNotGrant(t *testing.T) {
	srv := Start(t)
	admin := Clientset(t, srv.Config)
	ctx := t.Context()
	access := Access{Namespace: "wandb", Name: "driftd", Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list"}},
	}}
	limited := Clientset(t, srv.ServiceAccountConfig(t, access))
	mustCreate(t, "configmap", func() error {
		_, err := admin.CoreV1().ConfigMaps("wandb").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"}}, metav1.CreateOptions{})
		return err
	})

	if _, err := limited.CoreV1().ConfigMaps("wandb").Get(ctx, "wandb-env", metav1.GetOptions{}); err != nil {
		t.Fatalf("the Role grants get on configmaps, yet: %v", err)
	}
	refused := []struct {
		name, verb, resource string
		call                 func(kubernetes.Interface) error
	}{
		{"reading a secret is refused", "get", `"secrets"`, func(c kubernetes.Interface) error {
			_, err := c.CoreV1().Secrets("wandb").Get(ctx, "wandb-oidc", metav1.GetOptions{})
			return err
		}},
		{"listing deployments is refused", "list", `"deployments" in API group "apps"`, func(c kubernetes.Interface) error {
			_, err := c.AppsV1().Deployments("wandb").List(ctx, metav1.ListOptions{})
			return err
		}},
		{"reading configmaps in another namespace is refused", "get", `"configmaps"`, func(c kubernetes.Interface) error {
			_, err := c.CoreV1().ConfigMaps("default").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
			return err
		}},
		{"updating a granted configmap is refused", "update", `"configmaps"`, func(c kubernetes.Interface) error {
			_, err := c.CoreV1().ConfigMaps("wandb").Update(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"}}, metav1.UpdateOptions{})
			return err
		}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(limited)
			if !apierrors.IsForbidden(err) {
				t.Fatalf("want 403 Forbidden, got %v", err)
			}
			for _, want := range []string{access.User(), "cannot " + tc.verb + " resource " + tc.resource} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal %q does not name %q", err, want)
				}
			}
			if err := tc.call(admin); apierrors.IsForbidden(err) {
				t.Errorf("the administrator is refused too, so the Role is not what is tested: %v", err)
			}
		})
	}
}

// TestAKubeconfigFileReachesTheServer loads the written kubeconfig the way
// kubectl does and makes a request with it.
func TestAKubeconfigFileReachesTheServer(t *testing.T) {
	srv := Start(t)
	path := WriteKubeconfig(t, srv.Config)
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	if _, err := Clientset(t, cfg).CoreV1().Namespaces().Get(t.Context(), "default", metav1.GetOptions{}); err != nil {
		t.Fatalf("getting the default namespace through the kubeconfig: %v", err)
	}
}

func TestMissingBinariesAreNamed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "etcd"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kube-apiserver"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := checkBinaries(dir)
	if err == nil || !strings.Contains(err.Error(), "kube-apiserver is not an executable file") {
		t.Errorf("a non-executable kube-apiserver: got %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "etcd")); err != nil {
		t.Fatal(err)
	}
	if err := checkBinaries(dir); err == nil || !strings.Contains(err.Error(), "looking for etcd") {
		t.Errorf("a missing etcd: got %v", err)
	}
}

// TestBuiltBinariesLetTheTestRun: with both binaries there, requireBinaries
// returns their directory even in CI. A missing one ends the test through
// ci.MissingTool (tested in internal/ci), naming it (checkBinaries, above).
func TestBuiltBinariesLetTheTestRun(t *testing.T) {
	built := t.TempDir()
	for _, name := range Binaries {
		if err := os.WriteFile(filepath.Join(built, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CI", "true")
	t.Setenv("KUBEBUILDER_ASSETS", built)
	if dir, ok := requireBinaries(t); !ok || dir != built {
		t.Errorf("returned %q, %v; want %q", dir, ok, built)
	}
}

func TestAssetsDirDefaultsToTheCIBuildCache(t *testing.T) {
	t.Setenv("KUBEBUILDER_ASSETS", "")
	t.Setenv("HOME", "/home/ci")
	dir, err := AssetsDir()
	if err != nil || dir != "/home/ci/.cache/driftd/kube" {
		t.Errorf("got %q, %v", dir, err)
	}
}

func mustCreate(t *testing.T, what string, create func() error) {
	t.Helper()
	if err := create(); err != nil {
		t.Fatalf("creating the %s: %v", what, err)
	}
}

// wandbDeployment reads its env three ways, as the W&B chart's pods do.
func wandbDeployment() *appsv1.Deployment {
	labels := map[string]string{"app": "wandb"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "wandb"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "wandb",
					Image: "wandb/local:latest",
					EnvFrom: []corev1.EnvFromSource{{
						ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}},
					}},
					Env: []corev1.EnvVar{
						{Name: "OIDC_CLIENT_ID", Value: "0oa-client"},
						{Name: "OIDC_AUTH_METHOD", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
							LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}, Key: "OIDC_AUTH_METHOD", Optional: ptr(true)}}},
						{Name: "OIDC_SECRET", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
							LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}, Key: "OIDC_CLIENT_SECRET"}}},
					},
				}}},
			},
		},
	}
}

func ptr[T any](v T) *T { return &v }
