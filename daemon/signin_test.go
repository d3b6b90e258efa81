package daemon

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

var signinRetry = source.RetryPolicy{Attempts: 2, AttemptTimeout: 2 * time.Second, BaseDelay: 5 * time.Millisecond, MaxDelay: 10 * time.Millisecond, MaxRateLimitWait: 100 * time.Millisecond}

// signinEngine loads the fixture's config and builds the real readers.
func signinEngine(t *testing.T, f *fixture.Fixture, logs io.Writer) (*Engine, *config.Config) {
	t.Helper()
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	if logs == nil {
		logs = io.Discard
	}
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)), EngineOptions{Retry: signinRetry})
	if err != nil {
		t.Fatal(err)
	}
	return e, cfg
}

// findings returns the result's findings of one check.
func findingsOf(res report.TargetResult, id string) []checks.Finding {
	var out []checks.Finding
	for _, f := range res.Findings {
		if f.Check == id {
			out = append(out, f)
		}
	}
	return out
}

// customIssuer points the fixture's target at /oauth2/aus1, in the config
// and in W&B's env.
func customIssuer(t *testing.T, f *fixture.Fixture) string {
	f.Sim.AddAuthorizationServer("aus1")
	iss := f.Sim.URL + "/oauth2/aus1"
	f.WriteConfig(strings.Replace(f.Body, "issuer: "+f.Sim.URL+"}", "issuer: "+iss+"}", 1))
	f.WriteEnv("prod", map[string]string{"OIDC_CLIENT_ID": "0oaprodclient", "OIDC_ISSUER": iss, "GORILLA_CORS_ORIGINS": "https://prod.wandb.test, null"})
	return iss
}

func TestSignInChecksAgainstTheSimulator(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, f *fixture.Fixture)
		check string // the one check that drifts; "" for in sync
		quote string
	}{
		{name: "the fixture's W&B users group and trusted origin are in sync", setup: func(*testing.T, *fixture.Fixture) {}},
		{name: "a declared group that is assigned, by name, is in sync", setup: func(t *testing.T, f *fixture.Fixture) {
			f.WriteConfig(strings.Replace(f.Body, "okta: {app_id: 0oaprod}", "okta: {app_id: 0oaprod, groups: [W&B Users]}", 1))
		}},
		{name: "a custom authorization server whose default policy covers the client is in sync", setup: func(t *testing.T, f *fixture.Fixture) { customIssuer(t, f) }},
		{name: "the group unassigned by an admin drifts", check: checks.IDAssignments, quote: "User is not assigned to the client application",
			setup: func(t *testing.T, f *fixture.Fixture) {
				g, _ := f.Sim.SetUpSignIn("0oaprod", "https://prod.wandb.test")
				if err := f.Sim.UnassignGroup("0oaprod", g.ID); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "a declared group that is not assigned drifts", check: checks.IDAssignments, quote: "Assign group `wandb-admins`",
			setup: func(t *testing.T, f *fixture.Fixture) {
				if _, err := f.Sim.AddGroup("wandb-admins", ""); err != nil {
					t.Fatal(err)
				}
				f.WriteConfig(strings.Replace(f.Body, "okta: {app_id: 0oaprod}", "okta: {app_id: 0oaprod, groups: [W&B Users, wandb-admins]}", 1))
			}},
		{name: "the trusted origin deactivated by an admin drifts", check: checks.IDTrustedOrigin, quote: "Activate the Okta Trusted Origin",
			setup: func(t *testing.T, f *fixture.Fixture) {
				editOrigin(t, f.Sim, func(o *oktasim.TrustedOrigin) { o.Status = "INACTIVE" })
			}},
		{name: "the trusted origin without CORS drifts", check: checks.IDTrustedOrigin, quote: "CORS scope",
			setup: func(t *testing.T, f *fixture.Fixture) {
				editOrigin(t, f.Sim, func(o *oktasim.TrustedOrigin) { o.Scopes = []oktasim.OriginScope{{Type: "REDIRECT"}} })
			}},
		{name: "an access policy narrowed to another client drifts", check: checks.IDAuthServer, quote: "Policy evaluation failed for this request",
			setup: func(t *testing.T, f *fixture.Fixture) {
				customIssuer(t, f)
				editPolicy(t, f.Sim, func(p *oktasim.Policy) { p.Conditions.Clients.Include = []string{"0oaother"} })
			}},
		{name: "an inactive authorization server drifts", check: checks.IDAuthServer, quote: "Activate the authorization server",
			setup: func(t *testing.T, f *fixture.Fixture) {
				customIssuer(t, f)
				if err := f.Sim.AdminEditAuthServer("aus1", func(a *oktasim.AuthorizationServer) { a.Status = "INACTIVE" }); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixture.New(t, "prod")
			c.setup(t, f)
			e, cfg := signinEngine(t, f, nil)
			res := e.CheckTarget(context.Background(), &cfg.Targets[0])
			var drifted []string
			for _, fd := range res.Findings {
				if fd.Severity == checks.SeverityError {
					drifted = append(drifted, fd.Check)
				}
			}
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			if c.check == "" {
				if res.Status != report.StatusOK {
					t.Fatalf("status %s, findings %+v", res.Status, res.Findings)
				}
				return
			}
			fs := findingsOf(res, c.check)
			if res.Status != report.StatusDrift || len(drifted) != 1 || len(fs) != 1 {
				t.Fatalf("status %s, drifted %v, want only %s", res.Status, drifted, c.check)
			}
			if !strings.Contains(fs[0].Message, c.quote) || !strings.Contains(fs[0].Message, f.Sim.URL) {
				t.Errorf("message %q lacks %q or the org", fs[0].Message, c.quote)
			}
		})
	}
}

func editOrigin(t *testing.T, sim *oktasim.Server, change func(*oktasim.TrustedOrigin)) {
	t.Helper()
	c := sswsHTTP(t, sim, "/api/v1/trustedOrigins")
	var list []oktasim.TrustedOrigin
	if err := json.Unmarshal(c, &list); err != nil || len(list) != 1 {
		t.Fatalf("origins %s: %v", c, err)
	}
	if err := sim.AdminEditTrustedOrigin(list[0].ID, change); err != nil {
		t.Fatal(err)
	}
}

func editPolicy(t *testing.T, sim *oktasim.Server, change func(*oktasim.Policy)) {
	t.Helper()
	var list []oktasim.Policy
	if err := json.Unmarshal(sswsHTTP(t, sim, "/api/v1/authorizationServers/aus1/policies"), &list); err != nil || len(list) != 1 {
		t.Fatalf("policies: %v", err)
	}
	if err := sim.AdminEditPolicy("aus1", list[0].ID, change); err != nil {
		t.Fatal(err)
	}
}

func sswsHTTP(t *testing.T, sim *oktasim.Server, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, sim.URL+path, nil)
	req.Header.Set("Authorization", "SSWS "+sim.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

func testKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// asServiceApp swaps the fixture's API token for a service app granted
// scopes, with its key in the environment.
func asServiceApp(t *testing.T, f *fixture.Fixture, scopes ...string) (pemText, clientID string) {
	k, pemText := testKey(t)
	svc, err := f.Sim.AddServiceApp("driftd", &k.PublicKey, "k1", scopes...)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_TEST_OKTA_KEY", pemText)
	f.WriteConfig(strings.Replace(f.Body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n",
		fmt.Sprintf("  oauth: {client_id: %s, private_key: \"${DRIFTD_TEST_OKTA_KEY}\", key_id: k1}\n", svc.ID), 1))
	return pemText, svc.ID
}

func TestSignInAsAServiceApp(t *testing.T) {
	t.Run("a service app with every default scope reads in sync, with one token", func(t *testing.T) {
		f := fixture.New(t, "prod", "dev")
		asServiceApp(t, f, config.DefaultOAuthScopes...)
		e, cfg := signinEngine(t, f, nil)
		targets, _ := cfg.Select("")
		rep := e.CheckAll(context.Background(), targets)
		for _, r := range rep.Targets {
			if r.Status != report.StatusOK {
				t.Fatalf("%s: %s %+v %+v", r.Name, r.Status, r.Errors, r.Findings)
			}
		}
		if n := f.Sim.Count("/oauth2/v1/token"); n != 1 {
			t.Errorf("%d token requests for two targets, want 1", n)
		}
		if n := f.Sim.Count("/api/v1/trustedOrigins"); n != 1 {
			t.Errorf("%d trusted-origin reads for two targets of one org, want 1 per pass", n)
		}
	})
	t.Run("a missing scope is an error naming it, never drift, and the key shows nowhere", func(t *testing.T) {
		f := fixture.New(t, "prod")
		pemText, _ := asServiceApp(t, f, "okta.apps.read", "okta.groups.read", "okta.authorizationServers.read")
		var logs strings.Builder
		e, cfg := signinEngine(t, f, &logs)
		res := e.CheckTarget(context.Background(), &cfg.Targets[0])
		if res.Status != report.StatusError || len(findingsOf(res, checks.IDTrustedOrigin)) != 0 {
			t.Fatalf("status %s, findings %+v", res.Status, res.Findings)
		}
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "the service app lacks okta.trustedOrigins.read") {
			t.Fatalf("errors %+v", res.Errors)
		}
		out, _ := json.Marshal(struct {
			R report.TargetResult
			C *config.Config
		}{res, cfg})
		body := strings.Split(pemText, "\n")[1]
		if strings.Contains(string(out)+logs.String()+fmt.Sprintf("%+v %v", cfg, cfg.Okta.OAuth), body) {
			t.Error("the private key shows in the output")
		}
	})
	t.Run("a deactivated service app is an error for every Okta read, saying to activate it", func(t *testing.T) {
		f := fixture.New(t, "prod")
		_, svc := asServiceApp(t, f, config.DefaultOAuthScopes...)
		e, cfg := signinEngine(t, f, nil)
		if err := f.Sim.AdminEdit(svc, func(app *oktasim.App) { app.Status = "INACTIVE" }); err != nil {
			t.Fatal(err)
		}
		res := e.CheckTarget(context.Background(), &cfg.Targets[0])
		if res.Status != report.StatusError || len(res.Findings) != 0 {
			t.Fatalf("status %s, findings %+v", res.Status, res.Findings)
		}
		for _, oe := range res.Errors {
			if oe.Source != "okta" || !strings.Contains(oe.Message, "that the service app is ACTIVE") {
				t.Errorf("error %+v", oe)
			}
		}
		if len(res.Errors) < 3 {
			t.Errorf("errors %+v: the app, assignments and trusted origins all fail", res.Errors)
		}
	})
}

func TestDesiredGroupNames(t *testing.T) {
	t.Run("group names are resolved once per pass per org", func(t *testing.T) {
		f := fixture.New(t, "prod", "dev")
		f.WriteConfig(strings.ReplaceAll(strings.Replace(f.Body, "okta: {app_id: 0oaprod}", "okta: {app_id: 0oaprod, groups: [W&B Users]}", 1),
			"okta: {app_id: 0oadev}", "okta: {app_id: 0oadev, groups: [W&B Users]}"))
		e, cfg := signinEngine(t, f, nil)
		targets, _ := cfg.Select("")
		for _, r := range e.CheckAll(context.Background(), targets).Targets {
			if r.Status != report.StatusOK {
				t.Fatalf("%s: %s %+v %+v", r.Name, r.Status, r.Errors, r.Findings)
			}
		}
		if n := f.Sim.Count("/api/v1/groups"); n != 1 {
			t.Errorf("%d group look-ups for one name in two targets, want 1", n)
		}
	})
	t.Run("an unknown group name is an error at the target's key", func(t *testing.T) {
		f := fixture.New(t, "prod")
		f.WriteConfig(strings.Replace(f.Body, "okta: {app_id: 0oaprod}", "okta: {app_id: 0oaprod, groups: [nobody]}", 1))
		e, cfg := signinEngine(t, f, nil)
		res := e.CheckTarget(context.Background(), &cfg.Targets[0])
		if res.Status != report.StatusError || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "targets[0].okta.groups: group \"nobody\"") {
			t.Fatalf("status %s, errors %+v", res.Status, res.Errors)
		}
	})
}

func TestTwoOrgsOneRateLimited(t *testing.T) {
	f := fixture.New(t, "prod")
	other, err := oktasim.Start(oktasim.Options{Token: "00other-token"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	other.PutApp(oktasim.NewWandbApp("0oaeu", "0oaeuclient", "https://eu.wandb.test", false))
	if _, err := other.SetUpSignIn("0oaeu", "https://eu.wandb.test"); err != nil {
		t.Fatal(err)
	}
	f.WriteEnv("eu", map[string]string{"OIDC_CLIENT_ID": "0oaeuclient", "OIDC_ISSUER": other.URL, "GORILLA_CORS_ORIGINS": "https://eu.wandb.test, null"})
	t.Setenv("OTHER_OKTA_TOKEN", "00other-token")
	f.WriteConfig(f.Body + fmt.Sprintf("  - name: eu\n    wandb: {url: https://eu.wandb.test, env: {source: file, path: ./eu.env}}\n"+
		"    okta: {app_id: 0oaeu, org_url: %s, api_token: \"${OTHER_OKTA_TOKEN}\"}\n    oidc: {client_id: 0oaeuclient, issuer: %s}\n", other.URL, other.URL))
	e, cfg := signinEngine(t, f, nil)
	targets, _ := cfg.Select("")
	t.Run("a finding in the other org names that org", func(t *testing.T) {
		if err := other.AdminEdit("0oaeu", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://eu.wandb.test/cb"} }); err != nil {
			t.Fatal(err)
		}
		res := e.CheckTarget(context.Background(), &cfg.Targets[1])
		fs := findingsOf(res, checks.IDRedirectURIs)
		if len(fs) != 1 || !strings.HasSuffix(fs[0].Message, "(Okta org "+other.URL+")") {
			t.Fatalf("findings %+v", res.Findings)
		}
	})
	other.SetOutage(oktasim.Fault{Kind: oktasim.FaultStatus, Status: 429, ResetIn: time.Minute})
	start := time.Now()
	rep := e.CheckAll(context.Background(), targets)
	prod, eu := rep.Targets[0], rep.Targets[1]
	if prod.Status != report.StatusOK {
		t.Errorf("the other org's target: %s %+v %+v", prod.Status, prod.Errors, prod.Findings)
	}
	if eu.Status != report.StatusError || len(eu.Findings) != 0 && checks.HasErrors(eu.Findings) {
		t.Fatalf("the rate-limited org's target: %s %+v", eu.Status, eu.Findings)
	}
	for _, oe := range eu.Errors {
		if oe.Source != "okta("+other.URL+")" || !strings.Contains(oe.Message, "rate limited") {
			t.Errorf("error %+v does not name the org and the rate limit", oe)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the pass took %s", d)
	}
	if n := f.Sim.Count(""); n == 0 {
		t.Error("the first org was not read")
	}
}

func TestSignInFindingsAreFixableOnlyWhereTheModuleDeclaresTheVariable(t *testing.T) {
	for _, c := range []struct {
		name, module string
		fixable      bool
	}{
		{name: "a module with a groups variable can re-assign the group", module: `variable "groups" { type = list(string) }`, fixable: true},
		{name: "a module without it cannot", module: `variable "wandb_url" { type = string }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fixture.New(t, "prod")
			g, _ := f.Sim.SetUpSignIn("0oaprod", "https://prod.wandb.test")
			if err := f.Sim.UnassignGroup("0oaprod", g.ID); err != nil {
				t.Fatal(err)
			}
			tf := t.TempDir()
			if err := os.WriteFile(filepath.Join(tf, "variables.tf"), []byte(c.module), 0o644); err != nil {
				t.Fatal(err)
			}
			f.WriteConfig(strings.Replace(f.Body, "okta: {app_id: 0oaprod}", "okta: {app_id: 0oaprod, groups: [W&B Users]}\n    remediation: {terraform: {dir: "+tf+"}}", 1))
			e, cfg := signinEngine(t, f, nil)
			fs := findingsOf(e.CheckTarget(context.Background(), &cfg.Targets[0]), checks.IDAssignments)
			if len(fs) != 1 || fs[0].Fixable != c.fixable || fs[0].Missing[0] != "W&B Users" {
				t.Fatalf("findings %+v, want fixable=%v", fs, c.fixable)
			}
		})
	}
}
