package source

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
)

// recordedAuthServer serves what real Okta answered in the okta provider's
// acceptance test TestAccResourceOktaAuthServerPolicyRule_priority_concurrency_bug
// (okta-vcr 6.12.0, oie-00.yaml): the server, its ALL_CLIENTS policy, its
// first rule (implicit, people: the Everyone group's id, scopes: none) and
// the BUILT_IN Everyone group; change edits the rule as an admin would.
func recordedAuthServer(t *testing.T, change func(rule map[string]any)) *checks.AuthServer {
	t.Helper()
	raw, err := os.ReadFile("testdata/realapps/vcr-TestAccResourceOktaAuthServerPolicyRule_priority_concurrency_bug.json")
	if err != nil {
		t.Fatal(err)
	}
	var answers map[string]any
	if err := json.Unmarshal(raw, &answers); err != nil {
		t.Fatal(err)
	}
	const as = "/api/v1/authorizationServers/auskwr55bgnmze9pl1d7"
	rule := answers[as+"/policies/00pkwr3eqfqGWWJgE1d7/rules"].([]any)[0].(map[string]any)
	change(rule)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := answers[r.URL.Path]
		if r.URL.Path == "/api/v1/groups" && r.URL.Query().Get("search") != `type eq "BUILT_IN"` {
			ok = false
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	rd, err := NewOktaReader(context.Background(), OktaOptions{OrgURL: srv.URL, Token: "t", Retry: testPolicy})
	if err != nil {
		t.Fatal(err)
	}
	got, err := rd.AuthServer(context.Background(), "auskwr55bgnmze9pl1d7")
	if err != nil {
		t.Fatalf("reading the recorded authorization server: %v", err)
	}
	return got
}

func TestARecordedAccessPolicyIsJudgedAsOktaEvaluatesIt(t *testing.T) {
	d := &checks.Desired{Target: "prod", ClientID: "0oawandb", Issuer: "https://oie-00.dne-okta.com/oauth2/auskwr55bgnmze9pl1d7",
		AuthMethod: checks.Implicit, GrantTypes: []string{"implicit"}}
	assigned := &checks.Assignments{Groups: []checks.AssignedGroup{{ID: "00gwandbusers", Name: "wandb-users"}}}
	cases := []struct {
		name   string
		change func(rule map[string]any)
		says   string // "": in sync
	}{
		{"the recorded rule requests no scopes, so W&B's openid profile email match no rule", func(map[string]any) {},
			`rule "Test Policy Rule 00" (priority 1) grants it, but its scopes () lack openid profile email`},
		{"the recorded rule for the Everyone group with W&B's scopes admits the app's users", func(rule map[string]any) {
			rule["conditions"].(map[string]any)["scopes"] = map[string]any{"include": []string{"openid", "profile", "email"}}
		}, ""},
		{"the rule narrowed to another group refuses the app's users", func(rule map[string]any) {
			c := rule["conditions"].(map[string]any)
			c["scopes"] = map[string]any{"include": []string{"openid", "profile", "email"}}
			c["people"].(map[string]any)["groups"] = map[string]any{"include": []string{"00gadmins"}}
		}, "its people condition names only group 00gadmins"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			as := recordedAuthServer(t, tc.change)
			fs := checks.AuthServerPolicy(d, as, assigned)
			if tc.says == "" {
				if len(fs) != 0 {
					t.Fatalf("want in sync, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || !strings.Contains(fs[0].Message, tc.says) || !strings.Contains(fs[0].Message, `access policy "test" (priority 1)`) {
				t.Fatalf("want one finding naming the policy and saying %q, got %+v", tc.says, fs)
			}
		})
	}
}
