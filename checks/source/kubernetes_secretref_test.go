package source

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The kubelet expands $(SECRET_VAR) in a later literal with the Secret's
// value; driftd does not read a Secret for a variable it does not check,
// so a checked variable built from one cannot be known. Reporting the
// literal "$(…)" as the value turned a read driftd could not make into
// drift.
func TestACheckedVariableBuiltFromAnUnreadSecretIsAFailedReadNotDrift(t *testing.T) {
	k := startKube(t)
	k.secret(t, "okta-ids", map[string]string{"client-id": "0oaclientfromsecret", "oidc-secret": "s3cr3t-never-shown"})
	k.deployment(t, "wandb-app", container("app", nil,
		corev1.EnvVar{Name: "WANDB_CLIENT", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "okta-ids"}, Key: "client-id"}}},
		literal("OIDC_CLIENT_ID", "$(WANDB_CLIENT)"),
		literal("OIDC_ISSUER", "https://acme.okta.com"),
	))
	env, err := k.reader("wandb-app").Env(t.Context())
	if err == nil {
		got, _ := env.Lookup("OIDC_CLIENT_ID")
		t.Fatalf("read OIDC_CLIENT_ID = %q, want a failed read naming the unread Secret variable", got)
	}
	for _, want := range []string{"OIDC_CLIENT_ID", "$(WANDB_CLIENT)", "okta-ids"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "0oaclientfromsecret") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error shows a Secret value: %s", err)
	}
}
