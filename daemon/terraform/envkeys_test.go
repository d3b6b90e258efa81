package terraform

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// corsFinding is the drift a fix of the CORS origins answers.
var corsFinding = checks.Finding{Check: checks.IDWandbCORSOrigins, Severity: checks.SeverityError}

func TestAFixChangesOnlyTheEnvKeysItsFindingsAskFor(t *testing.T) {
	const rotated = "mysql://wandb:RotatedPw-555@db:3306/wandb"
	const old = "mysql://wandb:OldPw-111@db:3306/wandb"
	runEnvKeyCases(t, []envKeyCase{
		{"a fix of the CORS origins alone passes", "kubernetes_config_map",
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w","MYSQL":"` + rotated + `"}}`,
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w,null","MYSQL":"` + rotated + `"}}`, []checks.Finding{corsFinding}, nil},
		{"reverting a rotated password beside the CORS fix is refused naming the key only", "kubernetes_config_map",
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w","MYSQL":"` + rotated + `"}}`,
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w,null","MYSQL":"` + old + `"}}`, []checks.Finding{corsFinding},
			[]string{"keys: the plan would change data[MYSQL] of kubernetes_config_map.this, which no finding asked for (they ask for GORILLA_CORS_ORIGINS); a fix never reverts a change made outside driftd"}},
		{"removing a key nobody asked about is refused", "kubernetes_config_map",
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w","EXTRA":"x"}}`, `{"data":{"GORILLA_CORS_ORIGINS":"https://w,null"}}`, []checks.Finding{corsFinding},
			[]string{"keys: the plan would change data[EXTRA] of kubernetes_config_map.this, which no finding asked for (they ask for GORILLA_CORS_ORIGINS); a fix never reverts a change made outside driftd"}},
		{"a deployment's env entry nobody asked about is refused", "kubernetes_deployment",
			`{"spec":[{"template":[{"spec":[{"container":[{"name":"app","env":[{"name":"OIDC_ISSUER","value":"a"},{"name":"MYSQL","value":"` + rotated + `"}]}]}]}]}]}`,
			`{"spec":[{"template":[{"spec":[{"container":[{"name":"app","env":[{"name":"OIDC_ISSUER","value":"https://acme.okta.com"},{"name":"MYSQL","value":"` + old + `"}]}]}]}]}]}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"keys: the plan would change container[app].env[MYSQL] of kubernetes_deployment.this, which no finding asked for (they ask for GORILLA_OIDC_ISSUER, OIDC_ISSUER); a fix never reverts a change made outside driftd"}},
		{"a helm set entry nobody asked about is refused", "helm_release",
			`{"set":[{"name":"global.extraEnv.MYSQL","value":"` + rotated + `"}]}`, `{"set":[{"name":"global.extraEnv.MYSQL","value":"` + old + `"}]}`, nil,
			[]string{"keys: the plan would change set[global.extraEnv.MYSQL] of helm_release.this, which no finding asked for (they ask for no env key); a fix never reverts a change made outside driftd"}},
		{"writing a client id Okta contradicts is refused naming both", "kubernetes_config_map",
			`{"data":{"OIDC_CLIENT_ID":"0oaREAL"}}`, `{"data":{"OIDC_CLIENT_ID":"0oaTYPO"}}`,
			[]checks.Finding{{Check: checks.IDWandbClientID, Severity: checks.SeverityError}},
			[]string{"contradiction: the plan would set data[OIDC_CLIENT_ID] of kubernetes_config_map.this to 0oaTYPO, but Okta says 0oaREAL; driftd never writes a value Okta contradicts"}},
		{"writing the client id Okta has passes", "kubernetes_config_map",
			`{"data":{"OIDC_CLIENT_ID":"0oaOLD"}}`, `{"data":{"OIDC_CLIENT_ID":"0oaREAL"}}`,
			[]checks.Finding{{Check: checks.IDWandbClientID, Severity: checks.SeverityError}}, nil},
		{"writing an issuer other than the discovery document's is refused", "kubernetes_config_map",
			`{"data":{"OIDC_ISSUER":"https://a"}}`, `{"data":{"OIDC_ISSUER":"https://b"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"contradiction: the plan would set data[OIDC_ISSUER] of kubernetes_config_map.this to https://b, but Okta says https://acme.okta.com; driftd never writes a value Okta contradicts"}},
	})
}

// TestAFixOfTheOperatorsOIDCSecretWritesOnlyTheKeysAsked: operator v2, the
// Secret spec.wandb.oidc names (the observation's SecretKeys), written by
// kubernetes_secret_v1_data.
func TestAFixOfTheOperatorsOIDCSecretWritesOnlyTheKeysAsked(t *testing.T) {
	runEnvKeyCases(t, []envKeyCase{
		{"the issuer key of the operator's OIDC Secret, asked for, passes", "kubernetes_secret_v1_data",
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"issuerUrl":"https://a"}}`,
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"issuerUrl":"https://acme.okta.com"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}}, nil},
		{"the client id key of that Secret, when only the issuer was asked for, is refused", "kubernetes_secret_v1_data",
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"clientId":"0oaOTHER","issuerUrl":"https://a"}}`,
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"clientId":"0oaREAL","issuerUrl":"https://acme.okta.com"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"keys: the plan would change data[clientId] of kubernetes_secret_v1_data.this, which no finding asked for (they ask for GORILLA_OIDC_ISSUER, OIDC_ISSUER); a fix never reverts a change made outside driftd"}},
		{"a key of that Secret that feeds no checked setting is refused", "kubernetes_secret_v1_data",
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"clientSecret":"OldPw-1"}}`,
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"clientSecret":"RotatedPw-2"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"keys: the plan would change data[clientSecret] of kubernetes_secret_v1_data.this, which no finding asked for (they ask for GORILLA_OIDC_ISSUER, OIDC_ISSUER); a fix never reverts a change made outside driftd"}},
		{"the same key name in another Secret is not the one the resource names", "kubernetes_secret_v1_data",
			`{"metadata":[{"name":"other","namespace":"wandb"}],"data":{"issuerUrl":"https://a"}}`,
			`{"metadata":[{"name":"other","namespace":"wandb"}],"data":{"issuerUrl":"https://acme.okta.com"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"keys: the plan would change data[issuerUrl] of kubernetes_secret_v1_data.this, which no finding asked for (they ask for GORILLA_OIDC_ISSUER, OIDC_ISSUER); a fix never reverts a change made outside driftd"}},
		{"an issuer in that Secret other than the discovery document's is refused", "kubernetes_secret_v1_data",
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"issuerUrl":"https://a"}}`,
			`{"metadata":[{"name":"wandb-oidc-converted","namespace":"wandb"}],"data":{"issuerUrl":"https://b"}}`,
			[]checks.Finding{{Check: checks.IDWandbIssuer, Severity: checks.SeverityError}},
			[]string{"contradiction: the plan would set data[issuerUrl] of kubernetes_secret_v1_data.this to https://b, but Okta says https://acme.okta.com; driftd never writes a value Okta contradicts"}},
	})
}

type envKeyCase struct {
	name, typ, before, after string
	findings                 []checks.Finding
	refusals                 []string
}

// runEnvKeyCases judges each case's plan against its findings, with Okta's
// client id and issuer and the operator's OIDC Secret keys observed.
func runEnvKeyCases(t *testing.T, tests []envKeyCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planOf(t, tc.typ, tc.before, tc.after, "{}", "{}", "{}")
			sp := &SavedPlan{plan: p}
			res := &report.TargetResult{Findings: tc.findings, Observed: &checks.Observed{
				Okta:      &checks.OktaApp{ID: "0oaapp", ClientID: "0oaREAL"},
				Discovery: &checks.Discovery{Found: true, Issuer: "https://acme.okta.com"},
				Env: &checks.WandbEnv{SecretKeys: map[string]string{
					checks.EnvGorillaClientID: "wandb/wandb-oidc-converted/clientId",
					checks.EnvGorillaIssuer:   "wandb/wandb-oidc-converted/issuerUrl",
				}},
			}}
			got := sp.EnvGuardrails(res)
			if strings.Join(got, "\n") != strings.Join(tc.refusals, "\n") {
				t.Errorf("refusals:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.refusals, "\n  "))
			}
			for _, r := range got {
				if strings.Contains(r, "Pw-") {
					t.Errorf("a refusal shows an unchecked key's value: %s", r)
				}
			}
		})
	}
}

func TestPlanSummariesMaskEveryValueOfAKeyDriftdDoesNotCheck(t *testing.T) {
	const rotated = "mysql://wandb:RotatedPw-555@db:3306/wandb"
	tests := []struct{ name, typ, before, after string }{
		{"a config map key", "kubernetes_config_map",
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w","MYSQL":"mysql://wandb:OldPw-1@db"}}`,
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w,null","MYSQL":"` + rotated + `"}}`},
		{"a config map created whole", "kubernetes_config_map", `{"data":null}`,
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w,null","MYSQL":"` + rotated + `"}}`},
		{"a deployment env entry", "kubernetes_deployment",
			`{"spec":[{"template":[{"spec":[{"container":[{"env":[{"name":"MYSQL","value":"x"}]}]}]}]}]}`,
			`{"spec":[{"template":[{"spec":[{"container":[{"env":[{"name":"MYSQL","value":"` + rotated + `"}]}]}]}]}]}`},
		{"a deployment env list that grows", "kubernetes_deployment",
			`{"spec":[{"template":[{"spec":[{"container":[{"env":[]}]}]}]}]}`,
			`{"spec":[{"template":[{"spec":[{"container":[{"env":[{"name":"MYSQL","value":"` + rotated + `"},{"name":"GORILLA_CORS_ORIGINS","value":"https://w,null"}]}]}]}]}]}`},
		{"a helm set entry", "helm_release", `{"set":[{"name":"env.MYSQL","value":"x"}]}`, `{"set":[{"name":"env.MYSQL","value":"` + rotated + `"}]}`},
		{"helm values", "helm_release", `{"values":["global:\n  extraEnv:\n    MYSQL: x\n"]}`,
			`{"values":["global:\n  extraEnv:\n    MYSQL: ` + rotated + `\n    GORILLA_CORS_ORIGINS: https://w,null\n"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := summarize(planOf(t, tc.typ, tc.before, tc.after, "{}", "{}", "{}"))
			var shown strings.Builder
			for _, c := range s.Changes {
				for _, a := range c.Attributes {
					shown.WriteString(a.Name + ": " + a.Before + " -> " + a.After + "\n")
				}
			}
			if strings.Contains(shown.String(), "Pw-") || strings.Contains(shown.String(), `"x"`) {
				t.Errorf("the summary shows an unchecked key's value:\n%s", shown.String())
			}
			if !strings.Contains(shown.String(), maskedValue) {
				t.Errorf("the summary masks nothing:\n%s", shown.String())
			}
			if strings.Contains(tc.after, "GORILLA_CORS_ORIGINS") && !strings.Contains(shown.String(), "https://w,null") {
				t.Errorf("the summary hides the checked key's value:\n%s", shown.String())
			}
		})
	}
}
