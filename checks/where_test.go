package checks

import (
	"strings"
	"testing"
)

// TestWandbFindingsNameWhereTheSettingIsConfigured: a source that records
// where a variable is configured (the W&B operator's resource) makes the
// W&B findings say so, also when the finding names the other spelling of a
// paired variable; without a record the message stays as it was.
func TestWandbFindingsNameWhereTheSettingIsConfigured(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		where map[string]string
		want  string
	}{
		{
			name:  "an issuer set only as GORILLA_OIDC_ISSUER names its Secret",
			env:   map[string]string{"GORILLA_OIDC_ISSUER": "https://acme.okta.com/"},
			where: map[string]string{EnvGorillaIssuer: "Secret wandb/oidc key issuerUrl"},
			want:  "Fix it in Secret wandb/oidc key issuerUrl.",
		},
		{
			name:  "CORS origins name their resource path",
			env:   map[string]string{"GORILLA_OIDC_ISSUER": "https://acme.okta.com", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com"},
			where: map[string]string{EnvCORSOrigins: "WeightsAndBiases wandb/wandb spec.wandb.legacyOverrides"},
			want:  "Fix it in WeightsAndBiases wandb/wandb spec.wandb.legacyOverrides.",
		},
		{
			name: "without a record nothing is added",
			env:  map[string]string{"GORILLA_OIDC_ISSUER": "https://acme.okta.com/"},
			want: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := goodEnv()
			delete(env.Vars, EnvIssuer)
			for k, v := range tc.env {
				env.Vars[k] = v
			}
			env.Where = tc.where
			fs := Evaluate(desired(), &Observed{Env: env})
			if len(fs) != 1 {
				t.Fatalf("findings %+v, want one", fs)
			}
			if got := strings.Contains(fs[0].Message, "Fix it in"); got != (tc.want != "") || !strings.HasSuffix(fs[0].Message, tc.want) {
				t.Errorf("message %q, want it to end with %q", fs[0].Message, tc.want)
			}
		})
	}
}
