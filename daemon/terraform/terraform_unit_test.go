package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

func TestPlanSummaryMasksSensitiveValuesAndNamesActions(t *testing.T) {
	var p tfjson.Plan
	raw := `{"format_version":"1.2","resource_changes":[
	  {"address":"okta_app_oauth.wandb","type":"okta_app_oauth","name":"wandb","change":{"actions":["update"],
	    "before":{"redirect_uris":["a"],"client_secret":"old","label":"W"},"after":{"redirect_uris":["b"],"client_secret":"new","label":"W"},
	    "before_sensitive":{"client_secret":true},"after_sensitive":{"client_secret":true},"after_unknown":{}}},
	  {"address":"okta_app_oauth.other","type":"okta_app_oauth","name":"other","change":{"actions":["delete","create"],"before":{},"after":{},"after_unknown":{"id":true}}},
	  {"address":"kubernetes_config_map.x","type":"kubernetes_config_map","name":"x","change":{"actions":["no-op"],"before":{},"after":{}}}]}`
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	s := summarize(&p)
	if len(s.Changes) != 2 {
		t.Fatalf("changes = %+v", s.Changes)
	}
	upd := s.Changes[0]
	if upd.Action != "update" || len(upd.Attributes) != 2 {
		t.Fatalf("update = %+v", upd)
	}
	for _, a := range upd.Attributes {
		if a.Name == "client_secret" && (a.Before != "(sensitive value)" || a.After != "(sensitive value)") {
			t.Errorf("sensitive value shown: %+v", a)
		}
	}
	if s.Changes[1].Action != "replace" || s.Changes[1].Attributes[0].After != "(known after apply)" {
		t.Errorf("replace = %+v", s.Changes[1])
	}
	refused := Guardrails(s, []string{"okta_app_oauth.wandb"}, map[string][]string{"okta_app_oauth": {"redirect_uris", "client_secret"}})
	want := []string{"no-destroy: the plan would replace okta_app_oauth.other", "allow-list: okta_app_oauth.other is outside remediation.terraform.allow [okta_app_oauth.wandb]"}
	if strings.Join(refused, "|") != strings.Join(want, "|") {
		t.Errorf("guardrails = %q", refused)
	}
	if len(Guardrails(&report.PlanSummary{Changes: s.Changes[:1]}, []string{"okta_app_oauth.*"}, map[string][]string{"okta_app_oauth": {"redirect_uris", "client_secret"}})) != 0 {
		t.Error("an in-place update inside the allow-list must pass")
	}
}

func TestPlanVarsPassOnlyDeclaredVariablesAndMergeMaps(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("variables.tf", `
variable "oidc_issuer" { type = string }
variable "other_wandb_env" {
  type    = map(string)
  default = { FROM_DEFAULT = "d" }
}`)
	write("terraform.tfvars", `other_wandb_env = { BUCKET = "s3://keep", GORILLA_CORS_ORIGINS = "https://w" }`)
	tg := &config.Target{Name: "prod", Wandb: config.WandbConfig{URL: "https://w"}, OIDC: config.OIDCConfig{Issuer: "https://acme.okta.com", ClientID: "c", AuthMethod: "implicit"}}
	tg.Lists.CORSOrigins = []string{"https://w", "null"}
	tg.Remedy.Terraform.Vars = map[string]string{"other_wandb_env.GORILLA_CORS_ORIGINS": "cors_origins"}
	for k, v := range config.DefaultTerraformVars {
		tg.Remedy.Terraform.Vars[k] = v
	}
	res := &report.TargetResult{Observed: &checks.Observed{Env: &checks.WandbEnv{Vars: map[string]string{"GORILLA_CORS_ORIGINS": "https://w, https://extra"}}}}
	vars, err := planVars(dir, tg, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) != 2 || vars["oidc_issuer"] != "https://acme.okta.com" {
		t.Fatalf("vars = %v: only declared variables may be passed", vars)
	}
	env := vars["other_wandb_env"].(map[string]string)
	if env["BUCKET"] != "s3://keep" || env["GORILLA_CORS_ORIGINS"] != "https://w,https://extra,null" {
		t.Errorf("merged map = %v", env)
	}
	if _, ok := env["FROM_DEFAULT"]; ok {
		t.Errorf("terraform.tfvars replaces the default, as in Terraform: %v", env)
	}
}
