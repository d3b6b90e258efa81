package helmrender

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/driftd/driftd/internal/envassert"
)

// readValues parses a testdata YAML file the way Helm and the Helm provider
// read values (sigs.k8s.io/yaml: numbers become float64).
func readValues(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "chartenv", name))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	return m
}

func parseValues(t *testing.T, doc string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("parsing values %q: %v", doc, err)
	}
	return m
}

func TestOperatorValuesEnvWithOnlyChartDefaults(t *testing.T) {
	got, err := OperatorValuesEnv(nil)
	if err != nil {
		t.Fatalf("OperatorValuesEnv(nil): %v", err)
	}
	// charts/operator-wandb: values.yaml global.host and app.env, api.yaml,
	// local.yaml with an empty global.auth.oidc.clientId.
	want := map[string]string{
		"HOST":         "http://localhost:8080",
		"GLUE_ENABLED": "true",
		"GORILLA_FILE_METADATA_SOURCE_IS_INTERNAL":  "true",
		"GORILLA_FILE_HOST":                         "http://localhost:8080",
		"GORILLA_FRONTEND_HOST":                     "http://localhost:8080",
		"GORILLA_LICENSE_CERT_PATH":                 "/var/app/jwks.json",
		"GORILLA_GLUE_VIEW_SPEC_UPDATER_EXECUTABLE": "/usr/local/bin/view-spec-updater-linux",
		"GORILLA_GLUE_CONTAINER_PORT":               "8083",
		"BUCKET_QUEUE":                              "internal://",
		"GORILLA_TASK_CONFIG_PATH":                  "/etc/service/gorilla-glue/glue_tasks_local.yaml",
		"GORILLA_VIEW_SPEC_UPDATER_EXECUTABLE":      "/usr/local/bin/view-spec-updater-linux",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env from chart defaults:\n got %v\nwant %v", got, want)
	}
}

// oidcValues sets the OIDC client the way charts/operator-wandb/values.yaml
// documents it (global.auth.oidc).
const oidcValues = `
global:
  host: https://wandb.acme.com
  auth:
    oidc: {clientId: 0oa1b2c3, issuer: "https://acme.okta.com", authMethod: pkce}
`

type operatorCase struct {
	name   string
	values string
	want   map[string]string
	absent []string
}

func runOperatorCases(t *testing.T, tests []operatorCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OperatorValuesEnv(parseValues(t, tc.values))
			if err != nil {
				t.Fatalf("OperatorValuesEnv: %v", err)
			}
			envassert.Env(t, got, tc.want, tc.absent)
		})
	}
}

func TestOperatorValuesEnvOIDCAndCORS(t *testing.T) {
	oidc := oidcValues
	runOperatorCases(t, []operatorCase{
		{
			name:   "global.auth.oidc sets both the OIDC_ and the GORILLA_ keys and CORS is the host then null",
			values: oidc,
			want: map[string]string{
				"OIDC_CLIENT_ID": "0oa1b2c3", "OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "pkce",
				"GORILLA_OIDC_CLIENT_ID": "0oa1b2c3", "GORILLA_OIDC_ISSUER": "https://acme.okta.com", "GORILLA_AUTH_METHOD": "pkce",
				"GORILLA_CORS_ORIGINS": "https://wandb.acme.com,null", "HOST": "https://wandb.acme.com",
			},
		},
		{
			name:   "app.extraCors comes before the host, joined with a comma and no space",
			values: oidc + "app:\n  extraCors: [https://a.acme.com, '', https://b.acme.com]\n",
			want:   map[string]string{"GORILLA_CORS_ORIGINS": "https://a.acme.com,https://b.acme.com,https://wandb.acme.com,null"},
		},
		{
			name:   "app.extraCors without an OIDC client gives only the extra origins and no OIDC keys",
			values: "app:\n  extraCors: [https://a.acme.com]\n",
			want:   map[string]string{"GORILLA_CORS_ORIGINS": "https://a.acme.com"},
			absent: []string{"OIDC_CLIENT_ID", "GORILLA_OIDC_CLIENT_ID", "GORILLA_AUTH_METHOD"},
		},
		{
			name:   "an empty authMethod gives empty OIDC_AUTH_METHOD and GORILLA_AUTH_METHOD",
			values: "global:\n  auth:\n    oidc: {clientId: 0oa1b2c3, issuer: https://acme.okta.com}\n",
			want:   map[string]string{"OIDC_AUTH_METHOD": "", "GORILLA_AUTH_METHOD": ""},
		},
		{
			name:   "a null global.host deletes the chart default so CORS is only null",
			values: "global:\n  host: null\n  auth:\n    oidc: {clientId: 0oa1b2c3}\n",
			want:   map[string]string{"GORILLA_CORS_ORIGINS": "null", "HOST": ""},
		},
	})
}

func TestOperatorValuesEnvPrecedence(t *testing.T) {
	oidc := oidcValues
	runOperatorCases(t, []operatorCase{
		{
			name:   "global.extraEnv wins over the ConfigMap because env beats envFrom",
			values: oidc + "  extraEnv: {OIDC_ISSUER: https://other.okta.com, GORILLA_CORS_ORIGINS: '*'}\n",
			want:   map[string]string{"OIDC_ISSUER": "https://other.okta.com", "GORILLA_OIDC_ISSUER": "https://acme.okta.com", "GORILLA_CORS_ORIGINS": "*"},
		},
		{
			name:   "app.extraEnv wins over global.extraEnv and container env wins over both",
			values: "global:\n  extraEnv: {LOCAL_RESTORE: 'false', A: g}\napp:\n  extraEnv: {LOCAL_RESTORE: 'true', A: x}\n  containers:\n    app:\n      env: {A: c}\n",
			want:   map[string]string{"LOCAL_RESTORE": "true", "A": "c"},
		},
		{
			name:   "an empty app.extraEnv value is filled from global.extraEnv as sprig's merge does",
			values: "global:\n  extraEnv: {LOCAL_RESTORE: 'true'}\napp:\n  extraEnv: {LOCAL_RESTORE: ''}\n",
			want:   map[string]string{"LOCAL_RESTORE": "true"},
		},
		{
			name:   "non-string extraEnv values print as toString does",
			values: "global:\n  extraEnv: {LOCAL_RESTORE: true, PORT: 3306, BIG: 1000000}\n",
			want:   map[string]string{"LOCAL_RESTORE": "true", "PORT": "3306", "BIG": "1e+06"},
		},
		{
			// The chart passes the env block through tpl, in the service's
			// subchart (wandb-base), whose globals Helm copies from the parent.
			name:   "an env value that is a Helm template is rendered as the chart renders it",
			values: "global:\n  host: https://wandb.acme.com\n  extraEnv: {HOSTNAME: '{{ .Values.global.host }}'}\n",
			want:   map[string]string{"HOSTNAME": "https://wandb.acme.com"},
		},
		{
			// Helm keeps the list over the chart's table default (with a
			// logged warning) and sprig's merge swallows the error of a list.
			name:   "global.extraEnv given as a list is dropped, as Helm drops it",
			values: "global:\n  extraEnv: [{name: A, value: b}]\n",
			absent: []string{"A"},
		},
		{
			name:   "a valueFrom entry that driftd does not check is left out",
			values: "global:\n  extraEnv:\n    SECRET_THING: {valueFrom: {secretKeyRef: {name: s, key: k}}}\n",
			absent: []string{"SECRET_THING", "GORILLA_COREWEAVE_OBSERVABILITY_API_KEY"},
		},
		{
			name:   "with app.install false the api service reads only the api ConfigMap",
			values: oidc + "  api:\n    enabled: true\n  extraEnv: {LOCAL_RESTORE: 'true'}\napp:\n  install: false\napi:\n  extraEnv: {LOCAL_RESTORE: 'false'}\n",
			want:   map[string]string{"GORILLA_OIDC_CLIENT_ID": "0oa1b2c3", "LOCAL_RESTORE": "false"},
			absent: []string{"OIDC_CLIENT_ID", "OIDC_ISSUER", "HOST", "BUCKET_QUEUE"},
		},
	})
}

func TestOperatorValuesEnvRefuses(t *testing.T) {
	tests := []struct {
		name    string
		values  string
		wantErr string
	}{
		{"a clientId that is not a string, which the chart's ne cannot compare", "global:\n  auth:\n    oidc: {clientId: 12345}\n", "error calling ne: incompatible types for comparison: float64 and string"},
		{"app.extraCors as one string, which the chart's concat cannot take", "app:\n  extraCors: 'https://a.acme.com,https://b.acme.com'\n", "error calling concat: Cannot concat type string as list"},
		{"a checked key that comes from a Secret", "global:\n  extraEnv:\n    OIDC_ISSUER: {valueFrom: {secretKeyRef: {name: s, key: k}}}\n", "OIDC_ISSUER comes from a valueFrom reference"},
		{"no backend installed at all", "app:\n  install: false\n", "no W&B backend is installed"},
		{"an issuer that is not a string in the unquoted local ConfigMap", "global:\n  auth:\n    oidc: {clientId: abc, issuer: 'true'}\n", "key OIDC_ISSUER as a bool, not a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OperatorValuesEnv(parseValues(t, tc.values))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestWandbCRSpecEnv(t *testing.T) {
	t.Run("a resource's spec as the wandb-cr chart renders it gives the chart's env", func(t *testing.T) {
		cr := readValues(t, "weightsandbiases-cr.yaml")
		spec, _ := cr["spec"].(map[string]any)
		got, err := weightsAndBiasesSpecEnv(spec)
		if err != nil {
			t.Fatalf("weightsAndBiasesSpecEnv: %v", err)
		}
		envassert.Env(t, got, map[string]string{
			"OIDC_CLIENT_ID":              "0oa1b2c3d4e5f6g7h8i9",
			"OIDC_ISSUER":                 "https://acme.okta.com/oauth2/default",
			"OIDC_AUTH_METHOD":            "pkce",
			"GORILLA_OIDC_CLIENT_ID":      "0oa1b2c3d4e5f6g7h8i9",
			"GORILLA_OIDC_ISSUER":         "https://acme.okta.com/oauth2/default",
			"GORILLA_AUTH_METHOD":         "pkce",
			"GORILLA_CORS_ORIGINS":        "https://notebooks.acme.com,https://reports.acme.com,https://wandb.acme.com,null",
			"LOCAL_RESTORE":               "true",
			"GORILLA_DISABLE_CODE_SAVING": "true",
			"HOST":                        "https://wandb.acme.com",
		}, nil)
	})
	t.Run("spec.values that is not a map is refused", func(t *testing.T) {
		_, err := weightsAndBiasesSpecEnv(map[string]any{"values": "x"})
		if err == nil || !strings.Contains(err.Error(), "spec.values is a string") {
			t.Fatalf("error = %v", err)
		}
	})
}
