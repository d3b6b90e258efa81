package bootstrap

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
)

// TestObservedTextNeverLeavesItsComment: driftd.yaml's comments quote what
// Okta holds (group names, findings that quote labels and URIs), and an
// Okta group name is any string (okta-management-openapi 2026.06.3,
// OktaUserGroupProfile.name: no pattern). A line break in one (\n, \r, or
// the NEL, LS and PS that YAML parsers also break lines at) must stay in
// the comment, not become a key of the config.
func TestObservedTextNeverLeavesItsComment(t *testing.T) {
	for _, brk := range []string{"\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029"} {
		evil := "wandb" + brk + "strict: true" + brk + "targets: []"
		in := &Install{
			Opts: Options{OktaOrgURL: "https://acme.okta.com", WandbURL: "https://wandb.acme.com", EnvFile: "/etc/wandb.env"},
			From: "the env file /etc/wandb.env", ClientID: "0oaclient", Issuer: "https://acme.okta.com", AuthMethod: "implicit",
			ClientIDKey: "OIDC_CLIENT_ID", IssuerKey: "OIDC_ISSUER",
			App:    &source.FoundApp{OktaApp: checks.OktaApp{ID: "0oaapp", Label: "W&B", ClientID: "0oaclient"}},
			Groups: []checks.AssignedGroup{{ID: "00g1", Name: evil}},
		}
		body := in.Config([]string{"okta.redirect_uris: Add " + evil})
		var doc map[string]any
		if err := yaml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("break %q: driftd.yaml does not parse: %v\n%s", brk, err, body)
		}
		targets, _ := doc["targets"].([]any)
		if _, ok := doc["strict"]; ok || len(targets) != 1 {
			t.Fatalf("break %q: a group name or finding wrote keys into driftd.yaml (top level %v, %d targets):\n%s", brk, keys(doc), len(targets), body)
		}
		if main := in.mainTF(); strings.Contains(main, brk+"strict") {
			t.Fatalf("break %q: a group name left its comment in main.tf:\n%s", brk, main)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDesiredIssuerIsOneOktaNames(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.okta.com":                           "https://acme.okta.com",
		"https://acme.okta.com/":                          "https://acme.okta.com",
		"https://acme.okta.com/oauth2/default/":           "https://acme.okta.com/oauth2/default",
		"https://dev-1-admin.okta.com":                    "https://dev-1.okta.com",
		"https://Dev-1-Admin.oktapreview.com/oauth2/aus1": "https://dev-1.oktapreview.com/oauth2/aus1",
		"https://sso-admin.acme.com":                      "https://sso-admin.acme.com",
	} {
		if got := (&Install{Issuer: in}).DesiredIssuer(); got != want {
			t.Errorf("DesiredIssuer(%s) = %s, want %s", in, got, want)
		}
	}
}
