package helmrender

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/driftd/driftd/internal/envassert"
)

func readText(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "chartenv", name))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return string(raw)
}

// wandbCRSets is helm_release.wandb[0] of wandb/terraform-helm-wandb main.tf
// (b4394ac) as state records it: `set { name = "name", value = "wandb" }` and
// `set { name = "spec", value = yamlencode(var.spec), type = "string" }`.
// The AWS and Google modules call it as module "wandb", so the address is
// module.wandb.helm_release.wandb[0] inside them.
func wandbCRSets(spec string) []HelmSet {
	return []HelmSet{
		{Block: "set", Name: "name", Value: "wandb"},
		{Block: "set", Name: "spec", Value: spec, Type: "string"},
	}
}

func TestHelmReleaseEnvFromWandBModules(t *testing.T) {
	awsSpec := readText(t, "aws-module-spec.yaml")
	tests := []struct {
		name   string
		values []string
		sets   []HelmSet
		want   map[string]string
		absent []string
	}{
		{
			// Mirrors wandb/terraform-aws-wandb main.tf local.spec passed to
			// module "wandb" (source wandb/wandb/helm 3.0.0).
			name: "the AWS module's spec set gives the operator chart's env from spec.values",
			sets: wandbCRSets(awsSpec),
			want: map[string]string{
				"OIDC_CLIENT_ID": "0oa1b2c3d4e5f6g7h8i9", "OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "pkce",
				"GORILLA_OIDC_CLIENT_ID": "0oa1b2c3d4e5f6g7h8i9", "GORILLA_OIDC_ISSUER": "https://acme.okta.com", "GORILLA_AUTH_METHOD": "pkce",
				"GORILLA_CORS_ORIGINS": "https://notebooks.acme.com,https://wandb.acme.com,null",
				"LOCAL_RESTORE":        "true", "GORILLA_GLUE_LIST": "true",
			},
		},
		{
			// Mirrors wandb/terraform-google-wandb main.tf: local.oidc_envs merged
			// into global.extraEnv, app.extraEnvs (a key no chart reads).
			name: "the Google module's OIDC env in global.extraEnv gives OIDC_ keys but no GORILLA_ keys and no CORS",
			sets: wandbCRSets(readText(t, "google-module-spec.yaml")),
			want: map[string]string{
				"OIDC_CLIENT_ID": "0oa1b2c3d4e5f6g7h8i9", "OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "implicit",
				"LOCAL_RESTORE": "false", "GORILLA_DISABLE_CODE_SAVING": "false", "HOST": "https://wandb.acme.com",
			},
			absent: []string{"GORILLA_OIDC_CLIENT_ID", "GORILLA_OIDC_ISSUER", "GORILLA_AUTH_METHOD", "GORILLA_CORS_ORIGINS"},
		},
		{
			// Escaped by hand, as W&B's AWS module does for the ALB annotations
			// in the same spec (join("\\,", ...)): strvals reads "\," as ",".
			name: "a comma escaped inside the spec passes through the set",
			sets: wandbCRSets(strings.Replace(awsSpec, `"GORILLA_GLUE_LIST": true`,
				`"GORILLA_GLUE_LIST": true`+"\n      "+`"GORILLA_CORS_ORIGINS": "https://wandb.acme.com\,https://notebooks.acme.com"`, 1)),
			want: map[string]string{"GORILLA_CORS_ORIGINS": "https://wandb.acme.com,https://notebooks.acme.com"},
		},
		{
			// charts/wandb installed with helm_release values plus sets.
			name:   "the legacy chart through values and a set of sso.enabled that strvals reads as a bool",
			values: []string{readText(t, "legacy-values.yaml"), "sso:\n  enabled: false\n"},
			sets:   []HelmSet{{Block: "set", Name: "sso.enabled", Value: "true"}, {Block: "set_sensitive", Name: "sso.clientSecret", Value: "s3cret"}},
			want:   map[string]string{"OIDC_CLIENT_ID": "0oa1b2c3d4e5f6g7h8i9", "OIDC_AUTH_METHOD": "pkce", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com,https://notebooks.acme.com"},
			absent: []string{"OIDC_CLIENT_SECRET"},
		},
		{
			name:   "the operator-wandb chart installed directly, set_sensitive applied after set whatever the order",
			values: []string{"global:\n  host: https://wandb.acme.com\n  auth:\n    oidc: {issuer: https://a.okta.com}\n"},
			sets: []HelmSet{
				{Block: "set_sensitive", Name: "global.auth.oidc.issuer", Value: "https://c.okta.com"},
				{Block: "set", Name: "global.auth.oidc.issuer", Value: "https://b.okta.com"},
				{Block: "set", Name: "global.auth.oidc.clientId", Value: "0oa9", Type: "string"},
				{Block: "set_list", Name: "app.extraCors", List: []string{"https://x.acme.com", "https://y.acme.com"}},
			},
			want: map[string]string{"OIDC_ISSUER": "https://c.okta.com", "GORILLA_CORS_ORIGINS": "https://x.acme.com,https://y.acme.com,https://wandb.acme.com,null"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HelmReleaseEnv(tc.values, tc.sets)
			if err != nil {
				t.Fatalf("HelmReleaseEnv: %v", err)
			}
			envassert.Env(t, got, tc.want, tc.absent)
		})
	}
}

func TestHelmReleaseEnvRefuses(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		sets    []HelmSet
		wantErr string
	}{
		{
			// yamlencode writes a "\\," typed in HCL as "\\\\," inside double
			// quotes; strvals turns "\\\\" into one backslash and ends the value at
			// the comma, so terraform-provider-helm fails the same way.
			name:    "a comma escaped in a single-line HCL string, which cannot survive yamlencode and strvals",
			sets:    wandbCRSets(readText(t, "aws-module-spec-comma-in-env.yaml")),
			wantErr: `applying helm release set "spec"`,
		},
		{
			name:    "a spec given as a map, which the wandb-cr chart cannot render",
			values:  []string{"spec:\n  values: {}\n"},
			wantErr: "spec is a map[string]interface {}",
		},
		{
			name:    "values that match no W&B chart",
			values:  []string{"image:\n  tag: latest\n"},
			wantErr: "set none of spec",
		},
		{
			name:    "a values document that is not YAML",
			values:  []string{"global: [\n"},
			wantErr: "reading helm release values document 0",
		},
		{
			name:    "a set type the provider does not know",
			sets:    []HelmSet{{Name: "global.host", Value: "x", Type: "json"}},
			wantErr: `unknown type "json"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := HelmReleaseEnv(tc.values, tc.sets)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestHelmReleaseErrorsNeverShowASensitiveValue(t *testing.T) {
	secret := "hunter2-very-secret"
	_, err := HelmReleaseValues(nil, []HelmSet{{Block: "set_sensitive", Name: "a[x]", Value: secret}})
	if err == nil {
		t.Fatal("want an error for a bad index")
	}
	_, err2 := HelmReleaseValues(nil, []HelmSet{{Block: "set_sensitive", Name: "a", Value: "{" + secret}})
	_, err3 := HelmReleaseValues(nil, []HelmSet{{Block: "set_sensitive", Name: "a", Value: "x," + secret + "-tail"}})
	if err3 == nil || !strings.Contains(err3.Error(), `write it as "\\,"`) {
		t.Errorf("error %v, want one for a value cut at a comma that says how to escape it", err3)
	}
	for _, e := range []error{err, err2, err3} {
		if e != nil && strings.Contains(e.Error(), secret) {
			t.Errorf("error shows the value: %v", e)
		}
	}
	if err2 == nil {
		t.Error("want an error for an unterminated list")
	}
}

func TestHelmReleaseValuesMergesDocumentsAsTheProviderDoes(t *testing.T) {
	got, err := HelmReleaseValues([]string{
		"global:\n  host: a\n  extraEnv: {A: '1'}\napp:\n  extraCors: [x, y]\n",
		"global:\n  extraEnv: {B: '2'}\napp:\n  extraCors: [z]\n",
	}, []HelmSet{{Name: "global.port", Value: "8080"}, {Name: "global.flag", Value: "true", Type: "string"}, {Name: "global.lit", Value: "[1, 2]", Type: "literal"}})
	if err != nil {
		t.Fatalf("HelmReleaseValues: %v", err)
	}
	want := map[string]any{
		"global":     map[string]any{"host": "a", "extraEnv": map[string]any{"A": "1", "B": "2"}, "port": int64(8080), "flag": "true"},
		"app":        map[string]any{"extraCors": []any{"z"}},
		"global.lit": []any{float64(1), float64(2)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged values:\n got %#v\nwant %#v", got, want)
	}
}

func TestLegacyChartEnv(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]any
		want   map[string]string
		absent []string
	}{
		{
			name:   "sso values, extraCors and a list extraEnv that overrides the chart's OIDC_ISSUER",
			values: readValues(t, "legacy-values.yaml"),
			want: map[string]string{
				"OIDC_ISSUER": "https://acme.okta.com/oauth2/default", "OIDC_AUTH_METHOD": "pkce", "OIDC_CLIENT_ID": "0oa1b2c3d4e5f6g7h8i9",
				"GORILLA_CORS_ORIGINS": "https://wandb.acme.com,https://notebooks.acme.com", "LOCAL_RESTORE": "true",
				"GORILLA_DISABLE_SSO_PROVISIONING": "true", "HOST": "https://wandb.acme.com",
			},
			absent: []string{"AWS_SECRET_ACCESS_KEY"},
		},
		{
			name:   "sso disabled by default sets no OIDC keys and HOST falls back to localhost",
			values: nil,
			want:   map[string]string{"HOST": "http://localhost:8080"},
			absent: []string{"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_AUTH_METHOD", "GORILLA_CORS_ORIGINS", "GORILLA_DISABLE_SSO_PROVISIONING"},
		},
		{
			name:   "an empty sso.method falls back to implicit and a missing issuer is empty",
			values: parseValues(t, "sso: {enabled: true, method: '', clientId: abc, issuer: null}\n"),
			want:   map[string]string{"OIDC_AUTH_METHOD": "implicit", "OIDC_ISSUER": "", "OIDC_CLIENT_ID": "abc", "GORILLA_DISABLE_SSO_PROVISIONING": "false"},
		},
		{
			name:   "an extraEnv valueFrom for a chart entry shadows the chart's literal value",
			values: parseValues(t, "extraEnv: [{name: HOST, valueFrom: {configMapKeyRef: {name: c, key: host}}}]\n"),
			absent: []string{"HOST"},
		},
		{
			name:   "sso.enabled given as the string false is still true to the template",
			values: map[string]any{"sso": map[string]any{"enabled": "false", "clientId": "abc"}},
			want:   map[string]string{"OIDC_CLIENT_ID": "abc"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LegacyChartEnv(tc.values)
			if err != nil {
				t.Fatalf("LegacyChartEnv: %v", err)
			}
			envassert.Env(t, got, tc.want, tc.absent)
		})
	}
}

func TestLegacyChartEnvRefuses(t *testing.T) {
	tests := []struct {
		name, values, wantErr string
	}{
		{"extraEnv in the operator chart's map form, which breaks the env list", "extraEnv: {A: b}\n", "renders wandb/templates/deployment.yaml as invalid YAML"},
		{"an extraEnv value that is not a string", "extraEnv: [{name: LOCAL_RESTORE, value: true}]\n", "LOCAL_RESTORE as a bool; Kubernetes only accepts a string"},
		{"extraCors as a list, which prints as [a b]", "extraCors: [https://a.acme.com, https://b.acme.com]\n", "GORILLA_CORS_ORIGINS as a []interface {}"},
		{"a checked key from a Secret", "extraEnv: [{name: OIDC_CLIENT_ID, valueFrom: {secretKeyRef: {name: s, key: k}}}]\n", "OIDC_CLIENT_ID comes from a valueFrom reference"},
		{"an extraEnv entry without a name", "extraEnv: [{value: x}]\n", "env entry 1 without a name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LegacyChartEnv(parseValues(t, tc.values))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
