package source

import (
	"context"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// wandbApp is a W&B Deployment reading env every way Kubernetes allows:
// envFrom a ConfigMap and a Secret (one with a prefix), an optional missing
// ConfigMap, literals, configMapKeyRef, secretKeyRef (checked and not),
// an optional missing key, $(VAR) expansion, and env winning over envFrom.
func wandbApp(t *testing.T, k *kubeCluster) {
	t.Helper()
	k.configMap(t, "wandb-env", map[string]string{
		"OIDC_ISSUER": "https://acme.okta.com", "GORILLA_CORS_ORIGINS": "https://old.example.com", "HOST": "https://wandb.acme.com",
	})
	k.configMap(t, "wandb-auth", map[string]string{"method": "pkce"})
	k.secret(t, "wandb-oidc", map[string]string{"OIDC_CLIENT_ID": "0oa-from-secret", "MYSQL_PASSWORD": "hunter2", "secret": "oidc-client-secret"})
	k.secret(t, "wandb-gorilla", map[string]string{"OIDC_CLIENT_ID": "0oa-prefixed"})
	envFrom := []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}}},
		{Prefix: "GORILLA_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-gorilla"}}},
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "not-there"}, Optional: ptr(true)}},
	}
	k.deployment(t, "wandb-app",
		container("app", envFrom,
			literal("GORILLA_CORS_ORIGINS", "https://wandb.acme.com,null"),
			literal("GORILLA_OIDC_ISSUER", "$(OIDC_ISSUER)"),
			corev1.EnvVar{Name: "OIDC_AUTH_METHOD", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-auth"}, Key: "method"}}},
			corev1.EnvVar{Name: "OIDC_SECRET", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}, Key: "secret"}}},
			corev1.EnvVar{Name: "LOCAL_RESTORE", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-auth"}, Key: "restore", Optional: ptr(true)}}},
		),
		container("sidecar", nil, literal("OIDC_ISSUER", "https://sidecar.example.com")),
	)
}

var deploymentEnvCases = []struct {
	name, key, want string
	absent          bool
}{
	{name: "a ConfigMap's keys arrive through envFrom", key: "OIDC_ISSUER", want: "https://acme.okta.com"},
	{name: "a Secret's checked key arrives through envFrom", key: "OIDC_CLIENT_ID", want: "0oa-from-secret"},
	{name: "an envFrom prefix is prepended to the Secret's keys", key: "GORILLA_OIDC_CLIENT_ID", want: "0oa-prefixed"},
	{name: "a literal in env wins over the same key from envFrom", key: "GORILLA_CORS_ORIGINS", want: "https://wandb.acme.com,null"},
	{name: "a $(VAR) reference is expanded as the kubelet does", key: "GORILLA_OIDC_ISSUER", want: "https://acme.okta.com"},
	{name: "a configMapKeyRef is resolved", key: "OIDC_AUTH_METHOD", want: "pkce"},
	{name: "an optional key that is missing leaves the variable unset", key: "LOCAL_RESTORE", absent: true},
	{name: "a Secret key the checks do not need is never read into the env", key: "MYSQL_PASSWORD", absent: true},
	{name: "a secretKeyRef the checks do not need is never read into the env", key: "OIDC_SECRET", absent: true},
}

// TestKubernetesDeploymentEnvIsResolvedAsTheKubeletResolvesIt reads a live
// Deployment from a real API server.
func TestKubernetesDeploymentEnvIsResolvedAsTheKubeletResolvesIt(t *testing.T) {
	k := startKube(t)
	wandbApp(t, k)
	env, err := k.reader("wandb-app").Env(t.Context())
	if err != nil {
		t.Fatalf("reading the live env: %v", err)
	}
	for _, tc := range deploymentEnvCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := env.Lookup(tc.key)
			if tc.absent {
				if ok {
					t.Errorf("%s is set (to a value of %d bytes), want it unset", tc.key, len(got))
				}
				return
			}
			if got != tc.want {
				t.Errorf("%s = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
	t.Run("the app container is picked over the sidecar and named in the source", func(t *testing.T) {
		if !strings.HasSuffix(env.Source, ":deployment/wandb/wandb-app/app") {
			t.Errorf("source = %s", env.Source)
		}
	})
	t.Run("the rollout observation lists every object the env read", func(t *testing.T) {
		var names []string
		for _, s := range env.Rollout.Sources {
			names = append(names, s.Kind+"/"+s.Name)
		}
		if got := strings.Join(names, " "); got != "ConfigMap/wandb-auth ConfigMap/wandb-env Secret/wandb-gorilla Secret/wandb-oidc" {
			t.Errorf("sources = %s", got)
		}
	})
}

// TestKubernetesEditsBehindTerraformsBackAreSeen edits each live object and
// reads again: the checks see the new values.
func TestKubernetesEditsBehindTerraformsBackAreSeen(t *testing.T) {
	k := startKube(t)
	wandbApp(t, k)
	desired := &checks.Desired{Target: "prod", ClientID: "0oa-from-secret", Issuer: "https://acme.okta.com", AuthMethod: checks.PKCE}
	edits := []struct {
		name  string
		edit  func(ctx context.Context) error
		check string
		field string
	}{
		{name: "a patched ConfigMap changes the issuer", check: checks.IDWandbIssuer, field: "OIDC_ISSUER", edit: func(ctx context.Context) error {
			cm, err := k.cs.CoreV1().ConfigMaps(kubeNS).Get(ctx, "wandb-env", metav1.GetOptions{})
			if err == nil {
				cm.Data["OIDC_ISSUER"] = "https://acme.okta.com/"
				_, err = k.cs.CoreV1().ConfigMaps(kubeNS).Update(ctx, cm, metav1.UpdateOptions{})
			}
			return err
		}},
		{name: "an edited Secret changes the client id", check: checks.IDWandbClientID, field: "OIDC_CLIENT_ID", edit: func(ctx context.Context) error {
			s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-oidc", metav1.GetOptions{})
			if err == nil {
				s.Data["OIDC_CLIENT_ID"] = []byte("0oa-someone-else")
				_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
			}
			return err
		}},
		{name: "a kubectl edit of the Deployment changes the auth method", check: checks.IDWandbAuthMethod, field: "OIDC_AUTH_METHOD", edit: func(ctx context.Context) error {
			d, err := k.cs.AppsV1().Deployments(kubeNS).Get(ctx, "wandb-app", metav1.GetOptions{})
			if err == nil {
				c := &d.Spec.Template.Spec.Containers[0]
				c.Env = append(c.Env, literal("OIDC_AUTH_METHOD", "implicit"))
				_, err = k.cs.AppsV1().Deployments(kubeNS).Update(ctx, d, metav1.UpdateOptions{})
			}
			return err
		}},
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			k.must(t, "editing", tc.edit)
			env, err := k.reader("wandb-app").Env(t.Context())
			if err != nil {
				t.Fatalf("reading the live env: %v", err)
			}
			var found bool
			for _, f := range checks.Evaluate(desired, &checks.Observed{Env: env}) {
				found = found || (f.Check == tc.check && f.Field == tc.field && f.Severity == checks.SeverityError)
			}
			if !found {
				t.Errorf("no %s finding on %s after the edit", tc.check, tc.field)
			}
		})
	}
}
