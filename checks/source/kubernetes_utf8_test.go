package source

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A Secret's data is bytes (k8s.io/api v0.37.1 core/v1 types.go, Secret.Data
// map[string][]byte); the kubelet hands them to the container as they are.
// A checked value that is not UTF-8 text is no issuer, client id or origin
// list at all: it was judged as drift, its bytes shown mangled (JSON turns
// them into U+FFFD). It is a failed read naming the variable, the Secret and
// the key, and showing none of the value.
func TestACheckedSecretValueThatIsNotUTF8IsAFailedRead(t *testing.T) {
	k := startKube(t)
	k.must(t, "creating secret wandb-oidc", func(ctx context.Context) error {
		_, err := k.cs.CoreV1().Secrets(kubeNS).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wandb-oidc"},
			Data: map[string][]byte{"client-id": []byte("0oa\xff\xfeSECRETISH"), "OIDC_ISSUER": []byte("https://acme.okta.com\xc3")}}, metav1.CreateOptions{})
		return err
	})
	ref := &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}, Key: "client-id"}}
	fromSecret := []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}}}}
	tests := []struct {
		name       string
		c          corev1.Container
		naming     []string
		notShowing string
	}{
		{"from a secretKeyRef", container("app", nil, corev1.EnvVar{Name: "OIDC_CLIENT_ID", ValueFrom: ref}, literal("OIDC_ISSUER", "https://acme.okta.com")),
			[]string{"OIDC_CLIENT_ID", "wandb/wandb-oidc", "client-id", "UTF-8"}, "SECRETISH"},
		{"from an envFrom secretRef", container("app", fromSecret),
			[]string{"OIDC_ISSUER", "wandb/wandb-oidc", "UTF-8"}, "acme.okta"},
	}
	tests = append(tests, struct {
		name       string
		c          corev1.Container
		naming     []string
		notShowing string
	}{"a literal expanding it", container("app", fromSecret, literal("GORILLA_OIDC_ISSUER", "$(OIDC_ISSUER)")),
		[]string{"GORILLA_OIDC_ISSUER", "$(OIDC_ISSUER)", "wandb/wandb-oidc", "UTF-8"}, "acme.okta"})
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "wandb-app-" + string(rune('a'+i))
			k.deployment(t, name, tc.c)
			env, err := k.reader(name).Env(t.Context())
			if err == nil {
				t.Fatalf("read %q, want a failed read", env.Vars)
			}
			for _, want := range tc.naming {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
			if strings.Contains(err.Error(), tc.notShowing) {
				t.Errorf("error shows the value: %s", err)
			}
		})
	}
}

// The kubelet lets a later env entry replace what envFrom gave (k8s.io/api
// v0.37.1 core/v1 types.go, Container.EnvFrom: "Values defined by an Env
// with a duplicate key will take precedence"): a Secret's bytes that the
// container never gets are no failed read.
func TestASecretValueThatIsNotUTF8AndReplacedByALaterEntryIsNotRead(t *testing.T) {
	k := startKube(t)
	k.must(t, "creating secret wandb-oidc", func(ctx context.Context) error {
		_, err := k.cs.CoreV1().Secrets(kubeNS).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wandb-oidc"},
			Data: map[string][]byte{"OIDC_ISSUER": []byte("\xff\xfe")}}, metav1.CreateOptions{})
		return err
	})
	fromSecret := []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}}}}
	k.deployment(t, "wandb-app", container("app", fromSecret, literal("OIDC_ISSUER", "https://acme.okta.com")))
	env, err := k.reader("wandb-app").Env(t.Context())
	if err != nil {
		t.Fatalf("reading the live env: %v", err)
	}
	if got, _ := env.Lookup("OIDC_ISSUER"); got != "https://acme.okta.com" {
		t.Errorf("OIDC_ISSUER = %q, want the literal that replaces the Secret's", got)
	}
}
