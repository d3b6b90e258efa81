package terraform

import (
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// planOf is a plan with one resource change, as `terraform show -json`
// writes it (hashicorp/terraform-json plan.go: ResourceChange, Change).
func planOf(t *testing.T, typ, before, after, beforeSensitive, afterSensitive, afterUnknown string) *tfjson.Plan {
	t.Helper()
	raw := `{"format_version":"1.2","resource_changes":[{"address":"` + typ + `.this","type":"` + typ + `","name":"this",
	  "change":{"actions":["update"],"before":` + before + `,"after":` + after + `,
	  "before_sensitive":` + beforeSensitive + `,"after_sensitive":` + afterSensitive + `,"after_unknown":` + afterUnknown + `}}]}`
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestAttributeGuardrail(t *testing.T) {
	tests := []struct {
		name, typ, before, after string
		refusals                 []string
	}{
		{"a fix of the redirect URIs passes", "okta_app_oauth",
			`{"redirect_uris":["https://w/a"],"issuer_mode":"ORG_URL"}`, `{"redirect_uris":["https://w/oidc/callback"],"issuer_mode":"ORG_URL"}`, nil},
		// driftd passes issuer_mode the mode the desired issuer needs
		// (okta.issuer_mode, contract section 11), so a plan may fix it.
		{"a plan that fixes issuer_mode passes", "okta_app_oauth",
			`{"redirect_uris":["https://w/a"],"issuer_mode":"CUSTOM_URL"}`, `{"redirect_uris":["https://w/oidc/callback"],"issuer_mode":"ORG_URL"}`, nil},
		{"a plan that changes consent_method is refused naming both values", "okta_app_oauth",
			`{"consent_method":"REQUIRED"}`, `{"consent_method":"TRUSTED"}`,
			[]string{`attributes: the plan would change consent_method of okta_app_oauth.this from "REQUIRED" to "TRUSTED"; okta_app_oauth may change only redirect_uris, post_logout_redirect_uris, grant_types, response_types, token_endpoint_auth_method, pkce_required, status, issuer_mode (remediation.terraform.attributes)`}},
		{"a config map's data may change", "kubernetes_config_map",
			`{"data":{"GORILLA_CORS_ORIGINS":"https://w"},"metadata":[{"name":"wandb"}]}`, `{"data":{"GORILLA_CORS_ORIGINS":"https://w,null"},"metadata":[{"name":"wandb"}]}`, nil},
		{"a deployment's container env may change", "kubernetes_deployment",
			`{"spec":[{"replicas":"1","template":[{"spec":[{"container":[{"env":[{"name":"OIDC_ISSUER","value":"a"}]}]}]}]}]}`,
			`{"spec":[{"replicas":"1","template":[{"spec":[{"container":[{"env":[{"name":"OIDC_ISSUER","value":"b"}]}]}]}]}]}`, nil},
		{"a deployment's replicas may not change", "kubernetes_deployment",
			`{"spec":[{"replicas":"1"}]}`, `{"spec":[{"replicas":"0"}]}`,
			[]string{`attributes: the plan would change spec[0].replicas of kubernetes_deployment.this from "1" to "0"; kubernetes_deployment may change only spec.template.spec.container.env (remediation.terraform.attributes)`}},
		{"a type without a list may change nothing", "aws_instance",
			`{"ami":"a"}`, `{"ami":"b"}`,
			[]string{`attributes: the plan would change ami of aws_instance.this from "a" to "b"; aws_instance may change nothing (the type is not listed) (remediation.terraform.attributes)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := summarize(planOf(t, tc.typ, tc.before, tc.after, "{}", "{}", "{}"))
			got := Guardrails(s, []string{"*"}, nil)
			if strings.Join(got, "\n") != strings.Join(tc.refusals, "\n") {
				t.Errorf("refusals:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.refusals, "\n  "))
			}
		})
	}
}

func TestConfiguredAttributesReplaceATypesDefaults(t *testing.T) {
	s := summarize(planOf(t, "okta_app_oauth", `{"issuer_mode":"ORG_URL"}`, `{"issuer_mode":"CUSTOM_URL"}`, "{}", "{}", "{}"))
	if got := Guardrails(s, []string{"*"}, map[string][]string{"okta_app_oauth": {"issuer_mode"}}); len(got) != 0 {
		t.Errorf("issuer_mode listed in attributes, refused anyway: %q", got)
	}
}

func TestPlanSummaryShowsOnlyChangedKeysAndMasksSecrets(t *testing.T) {
	tests := []struct {
		name, before, after, beforeSensitive, afterSensitive, afterUnknown string
		want                                                               []string
	}{
		{"a map shows only the key that changes, not a password beside it", `{"other_wandb_env":{"DB_PASSWORD":"hunter22","GORILLA_CORS_ORIGINS":"https://w"}}`,
			`{"other_wandb_env":{"DB_PASSWORD":"hunter22","GORILLA_CORS_ORIGINS":"https://w,null"}}`, "{}", "{}", "{}",
			[]string{`other_wandb_env.GORILLA_CORS_ORIGINS: "https://w" -> "https://w,null"`}},
		{"a changed secret-looking key is listed, masked", `{"data":{"API_TOKEN":"old-token"}}`, `{"data":{"API_TOKEN":"new-token"}}`, "{}", "{}", "{}",
			[]string{`data.API_TOKEN: (sensitive value) -> (sensitive value)`}},
		{"an env entry named like a secret is masked", `{"env":[{"name":"DB_PASSWORD","value":"old-pw"}]}`, `{"env":[{"name":"DB_PASSWORD","value":"new-pw"}]}`, "{}", "{}", "{}",
			[]string{`env[0].value: (sensitive value) -> (sensitive value)`}},
		{"a sensitive map entry is masked", `{"set_sensitive":{"x":"old-s"}}`, `{"set_sensitive":{"x":"new-s"}}`, `{"set_sensitive":true}`, `{"set_sensitive":{"x":true}}`, "{}",
			[]string{`set_sensitive: (sensitive value) -> (sensitive value)`}},
		{"a whole new map masks its secret entries", `{}`, `{"env":{"DB_PASSWORD":"pw-new","HOST":"h"}}`, "{}", "{}", "{}",
			[]string{`env.DB_PASSWORD: null -> (sensitive value)`, `env.HOST: null -> "h"`}},
		{"a list of values is one entry", `{"redirect_uris":["a"]}`, `{"redirect_uris":["a","b"]}`, "{}", "{}", "{}",
			[]string{`redirect_uris: ["a"] -> ["a","b"]`}},
		{"an unknown value is known after apply", `{"id":"1"}`, `{}`, "{}", "{}", `{"id":true}`,
			[]string{`id: "1" -> (known after apply)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := summarize(planOf(t, "helm_release", tc.before, tc.after, tc.beforeSensitive, tc.afterSensitive, tc.afterUnknown))
			var got []string
			for _, a := range s.Changes[0].Attributes {
				got = append(got, a.Name+": "+a.Before+" -> "+a.After)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("attributes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			for _, secret := range []string{"hunter22", "old-token", "new-token", "old-pw", "new-pw", "old-s", "new-s", "pw-new"} {
				if strings.Contains(strings.Join(got, " "), secret) {
					t.Errorf("summary shows %q", secret)
				}
			}
		})
	}
}

func TestAValueTheProviderRecomputesIsNotAChangeDriftdAsksFor(t *testing.T) {
	// The kubernetes provider plans metadata's resource_version and
	// generation as known after apply on every update of the data.
	s := summarize(planOf(t, "kubernetes_config_map",
		`{"data":{"GORILLA_CORS_ORIGINS":"https://w"},"metadata":[{"name":"wandb","resource_version":"2","generation":2}]}`,
		`{"data":{"GORILLA_CORS_ORIGINS":"https://w,null"},"metadata":[{"name":"wandb"}]}`,
		"{}", "{}", `{"metadata":[{"resource_version":true,"generation":true}]}`))
	if got := Guardrails(s, []string{"*"}, nil); len(got) != 0 {
		t.Fatalf("refused a plan that changes only data: %v", got)
	}
	// A known change outside the list is still refused.
	s = summarize(planOf(t, "kubernetes_config_map",
		`{"data":{},"metadata":[{"name":"wandb","labels":{"a":"1"}}]}`, `{"data":{},"metadata":[{"name":"wandb","labels":{"a":"2"}}]}`,
		"{}", "{}", "{}"))
	if got := Guardrails(s, []string{"*"}, nil); len(got) != 1 {
		t.Fatalf("refusals %v, want one for the label", got)
	}
}
