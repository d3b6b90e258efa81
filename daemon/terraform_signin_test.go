package daemon

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// wantGroups makes the target desire the "W&B Users" group (by name).
func (tf *tfFixture) wantGroups() {
	tf.WriteConfig(strings.Replace(fixture.ReadFile(tf.T, tf.Cfg), "okta: {app_id: "+tf.appID+"}",
		"okta: {app_id: "+tf.appID+", groups: ["+oktasim.WandbUsersGroup+"]}", 1))
}

// wandbOrigins are the trusted origins for the W&B URL.
func (tf *tfFixture) wandbOrigins() []oktasim.TrustedOrigin {
	var out []oktasim.TrustedOrigin
	for _, o := range tf.Sim.TrustedOrigins() {
		if o.Origin == "https://wandb.acme.test" {
			out = append(out, o)
		}
	}
	return out
}

// changesOf is "action address" of each change of the plan, sorted.
func changesOf(res report.TargetResult) []string {
	var out []string
	if res.Remediation.Plan != nil {
		for _, c := range res.Remediation.Plan.Changes {
			out = append(out, c.Action+" "+c.Address)
		}
	}
	slices.Sort(out)
	return out
}

// signInIsWhole fails the test unless the app has exactly the W&B users'
// group and one ACTIVE trusted origin with CORS and REDIRECT.
func (tf *tfFixture) signInIsWhole(t *testing.T, group string) {
	t.Helper()
	if got := tf.Sim.AssignedGroups(tf.appID); len(got) != 1 || got[0] != group {
		t.Errorf("assigned groups %v, want [%s]", got, group)
	}
	os := tf.wandbOrigins()
	if len(os) != 1 || os[0].Status != "ACTIVE" || fmt.Sprint(os[0].Scopes) != "[{CORS} {REDIRECT}]" {
		t.Errorf("trusted origins for W&B %+v, want one ACTIVE with CORS and REDIRECT", os)
	}
}

func TestTerraformReassignsTheGroupAndAddsTheTrustedOrigin(t *testing.T) {
	tf := newTFFixture(t, "apply", `"*"`)
	if n := len(tf.wandbOrigins()); n != 1 {
		t.Fatalf("%d trusted origins for W&B after set-up, want the module's one", n)
	}
	group := tf.Sim.AssignedGroups(tf.appID)[0]
	tf.wantGroups()

	t.Run("a lost group and a deleted origin are created back, verified", func(t *testing.T) {
		if err := tf.Sim.UnassignGroup(tf.appID, group); err != nil {
			t.Fatal(err)
		}
		if err := tf.Sim.AdminDeleteTrustedOrigin(tf.wandbOrigins()[0].ID); err != nil {
			t.Fatal(err)
		}
		res, _ := tf.reconcile()
		want := []string{"create okta_app_group_assignments.wandb[0]", "create okta_trusted_origin.wandb[0]"}
		if got := changesOf(res); !slices.Equal(got, want) {
			t.Fatalf("plan %v, want %v (remediation %+v)", got, want, res.Remediation)
		}
		if res.Status != report.StatusOK || res.Remediation.Action != report.ActionApplied || res.Remediation.Verification != "fixed" {
			t.Fatalf("status %s, remediation %+v, findings %+v", res.Status, res.Remediation, res.Findings)
		}
		tf.signInIsWhole(t, group)
	})
	t.Run("a group unassigned and an origin deactivated again are updates within the default attributes", func(t *testing.T) {
		if err := tf.Sim.UnassignGroup(tf.appID, group); err != nil {
			t.Fatal(err)
		}
		if err := tf.Sim.AdminEditTrustedOrigin(tf.wandbOrigins()[0].ID, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runOnce(t, "reconcile", tf.Cfg)
		if code != 0 {
			t.Fatalf("reconcile exit %d, want 0\n%s", code, out)
		}
		for _, want := range []string{"update okta_app_group_assignments.wandb[0]", "update okta_trusted_origin.wandb[0]", "remediation (apply): applied", "verification: fixed"} {
			if !strings.Contains(out, want) {
				t.Errorf("report lacks %q:\n%s", want, out)
			}
		}
		tf.signInIsWhole(t, group)
	})
	t.Run("an attributes list without active refuses the origin's reactivation", func(t *testing.T) {
		if err := tf.Sim.AdminEditTrustedOrigin(tf.wandbOrigins()[0].ID, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		tf.WriteConfig(strings.Replace(fixture.ReadFile(t, tf.Cfg), "        lock_timeout: 2s\n", "        lock_timeout: 2s\n        attributes: {okta_trusted_origin: [scopes]}\n", 1))
		res, _ := tf.reconcile()
		refused := strings.Join(res.Remediation.Refused, ";")
		if res.Remediation.Action != report.ActionRefused || !strings.Contains(refused, "attributes: the plan would change active of okta_trusted_origin.wandb[0] from false to true") {
			t.Fatalf("remediation %+v", res.Remediation)
		}
		if os := tf.wandbOrigins(); os[0].Status != "INACTIVE" {
			t.Errorf("a refused plan reactivated the origin")
		}
	})
}

func TestTerraformAddsAPolicyRuleWhenTheAuthServerNoLongerGrantsTheClient(t *testing.T) {
	tf := newTFFixtureAt(t, "apply", `"*"`, "aus1")
	ps, rules := tf.Sim.Policies("aus1")
	def := rules[ps[0].ID][0]
	// An admin narrows Okta's starting rule to service apps.
	if err := tf.Sim.AdminEditRule("aus1", ps[0].ID, def.ID, func(r *oktasim.Rule) {
		r.Conditions.GrantTypes.Include = []string{"client_credentials"}
	}); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runOnce(t, "reconcile", tf.Cfg)
	if code != 0 {
		t.Fatalf("reconcile exit %d, want 0\n%s", code, out)
	}
	for _, want := range []string{"create okta_auth_server_policy_rule.wandb[0]", "remediation (apply): applied", "verification: fixed"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	_, rules = tf.Sim.Policies("aus1")
	var added *oktasim.Rule
	for i, r := range rules[ps[0].ID] {
		if r.Name == "Weights & Biases" {
			added = &rules[ps[0].ID][i]
		}
	}
	if added == nil || added.Status != "ACTIVE" || fmt.Sprint(added.Conditions.GrantTypes.Include) != "[authorization_code implicit]" ||
		!slices.Contains(added.Conditions.Scopes.Include, "openid") {
		t.Fatalf("rules of the default policy after the fix: %+v", rules[ps[0].ID])
	}
	kept := slices.IndexFunc(rules[ps[0].ID], func(r oktasim.Rule) bool {
		return r.ID == def.ID && fmt.Sprint(r.Conditions.GrantTypes.Include) == "[client_credentials]"
	})
	if len(rules[ps[0].ID]) != 2 || kept < 0 {
		t.Errorf("the admin's rule was touched: %+v", rules[ps[0].ID])
	}

	// An admin deactivates the module's rule: the fix reactivates it
	// through the rule's lifecycle endpoint (status is in the defaults).
	if err := tf.Sim.AdminEditRule("aus1", ps[0].ID, added.ID, func(r *oktasim.Rule) { r.Status = "INACTIVE" }); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runOnce(t, "reconcile", tf.Cfg)
	if code != 0 || !strings.Contains(out, "update okta_auth_server_policy_rule.wandb[0]") || !strings.Contains(out, "verification: fixed") {
		t.Fatalf("reconcile exit %d, want 0 and the rule's reactivation:\n%s", code, out)
	}
	if ev := lastEventOf(tf.Sim, "policy.rule."); ev != "policy.rule.activate" {
		t.Errorf("last rule event %q, want policy.rule.activate", ev)
	}
}

// lastEventOf is the type of the newest System Log event starting with prefix.
func lastEventOf(sim *oktasim.Server, prefix string) string {
	evs := sim.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if strings.HasPrefix(evs[i].EventType, prefix) {
			return evs[i].EventType
		}
	}
	return ""
}
