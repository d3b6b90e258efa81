package main

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

func TestCheckExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		break_   func(f *fixture.Fixture)
		want     int
		statuses map[string]string
	}{
		{name: "everything in sync exits 0", want: 0, statuses: map[string]string{"a": "ok", "b": "ok"}},
		{name: "drift in one target exits 2", want: 2, statuses: map[string]string{"a": "drift", "b": "ok"},
			break_: func(f *fixture.Fixture) {
				_ = f.Sim.UpdateApp("0oaa", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://a.wandb.test/callback"} })
			}},
		{name: "an unreadable target beats drift and exits 1", want: 1, statuses: map[string]string{"a": "drift", "b": "error"},
			break_: func(f *fixture.Fixture) {
				f.WriteEnv("a", map[string]string{"OIDC_CLIENT_ID": "0oaaclient", "OIDC_ISSUER": f.Sim.URL, "GORILLA_CORS_ORIGINS": "https://a.wandb.test"})
				f.Sim.DeleteApp("0oab")
			}},
		{name: "an Okta outage is an error, never drift", want: 1, statuses: map[string]string{"a": "error", "b": "error"},
			break_: func(f *fixture.Fixture) { f.Sim.SetOutage(oktasim.Fault{Kind: oktasim.FaultStatus, Status: 401}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture.New(t, "a", "b")
			if tc.break_ != nil {
				tc.break_(f)
			}
			code, out, stderr := runCLI(t, "check", "--config", f.Cfg, "--output", "json")
			if code != tc.want {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.want, out, stderr)
			}
			var doc struct {
				Targets []struct {
					Name     string            `json:"name"`
					Status   string            `json:"status"`
					Findings []json.RawMessage `json:"findings"`
					Errors   []json.RawMessage `json:"errors"`
				} `json:"targets"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			for _, tr := range doc.Targets {
				if tc.statuses[tr.Name] != tr.Status {
					t.Errorf("target %s status %s, want %s", tr.Name, tr.Status, tc.statuses[tr.Name])
				}
				if tr.Findings == nil || tr.Errors == nil {
					t.Errorf("target %s: findings and errors must be lists, not null", tr.Name)
				}
			}
		})
	}
}

func TestCheckTextOutputExplainsTheFix(t *testing.T) {
	f := fixture.New(t, "prod")
	f.WriteEnv("prod", map[string]string{"OIDC_CLIENT_ID": "0oaprodclient", "OIDC_ISSUER": f.Sim.URL, "GORILLA_CORS_ORIGINS": "https://prod.wandb.test"})
	code, out, _ := runCLI(t, "check", "--config", f.Cfg)
	if code != 2 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"prod: DRIFT (1 drift finding)",
		"✗ wandb.cors_origins  GORILLA_CORS_ORIGINS  [error, Terraform can fix]",
		"expected: https://prod.wandb.test, null",
		"missing:  null",
		"fix:      Add `null` to GORILLA_CORS_ORIGINS: users see \"request from invalid origin: null\" after the Okta redirect otherwise.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckOneTarget(t *testing.T) {
	f := fixture.New(t, "a", "b")
	code, out, _ := runCLI(t, "check", "--config", f.Cfg, "--target", "b", "--output", "json")
	if code != 0 || strings.Contains(out, `"name": "a"`) || !strings.Contains(out, `"name": "b"`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, "check", "--config", f.Cfg, "--target", "zzz"); code != 1 || !strings.Contains(stderr, `no target named "zzz"`) {
		t.Fatalf("unknown target: exit %d, %s", code, stderr)
	}
}

// `check --target b` runs without target a's secrets: a's Terraform
// credential, unset here, stops only a command that runs a.
func TestCheckOneTargetNeedsOnlyItsSecrets(t *testing.T) {
	f := fixture.New(t, "a", "b")
	f.WriteConfig(strings.Replace(f.Body, "    okta: {app_id: 0oaa}\n", "    okta: {app_id: 0oaa, org_url: https://other.okta.com, api_token: \"${UNSET_A_TOKEN}\"}\n", 1))
	if code, out, stderr := runCLI(t, "check", "--config", f.Cfg, "--target", "b", "--output", "json"); code != 0 || !strings.Contains(out, `"name": "b"`) {
		t.Fatalf("check --target b: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--config", f.Cfg, "--target", "a"); code != 1 || !strings.Contains(stderr, "UNSET_A_TOKEN") {
		t.Fatalf("check --target a: exit %d, %s", code, stderr)
	}
}

func TestCheckMakesOneOktaRequestPerTargetAndOneDiscoveryPerIssuer(t *testing.T) {
	f := fixture.New(t, "a", "b", "c")
	if code, out, _ := runCLI(t, "check", "--config", f.Cfg); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := f.Sim.Count("/.well-known/openid-configuration"); n != 1 {
		t.Errorf("discovery requests = %d, want 1", n)
	}
	for _, id := range []string{"0oaa", "0oab", "0oac"} {
		if n := f.Sim.Count("/api/v1/apps/" + id); n != 1 {
			t.Errorf("requests for %s = %d, want 1", id, n)
		}
	}
}

func TestValidate(t *testing.T) {
	f := fixture.New(t, "a")
	if code, out, _ := runCLI(t, "validate", "--config", f.Cfg); code != 0 || !strings.Contains(out, "valid (1 target)") {
		t.Fatalf("exit %d: %s", code, out)
	}
	f.WriteConfig(strings.Replace(f.Body, "okta: {app_id", "okta: {appid", 1))
	code, _, stderr := runCLI(t, "validate", "--config", f.Cfg)
	if code != 1 || !strings.Contains(stderr, `targets[0].okta.appid: unknown key (did you mean "app_id"?)`) {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "check", "--config", f.Cfg); code != 1 || !strings.Contains(stderr, "invalid config") {
		t.Fatalf("check with a bad config: exit %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "validate"); code != 1 {
		t.Fatalf("validate without --config must fail")
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "driftd ") {
		t.Fatalf("exit %d: %q", code, out)
	}
}

// TestLogsShowDurationsAsPeopleWriteThem goes through the commands' own
// logger (--log-format, else by terminal): JSON for a pipe.
func TestLogsShowDurationsAsPeopleWriteThem(t *testing.T) {
	for format, want := range map[string]string{"json": `"grace":"1m0s"`, "text": "grace=1m0s", "": `"grace":"1m0s"`} {
		t.Run("--log-format "+format, func(t *testing.T) {
			var b strings.Builder
			c := &cli{logFormat: format}
			c.logger(&b, slog.LevelInfo).Info("shutting down", "grace", time.Minute)
			if !strings.Contains(b.String(), want) {
				t.Fatalf("log line %s, want %s", b.String(), want)
			}
		})
	}
}

// With an Event Hook, validate says which changes only the System Log
// carries (the Event Types catalog's event-hook-eligible tag).
func TestValidateNamesWhatAnEventHookCannotCarry(t *testing.T) {
	f := fixture.New(t, "a")
	f.WriteConfig(strings.Replace(f.Body, "  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n",
		"  api_token: ${DRIFTD_TEST_OKTA_TOKEN}\n  event_hook: {secret: hook-s3cret, header: X-Okta-Hook-Key}\n", 1))
	code, out, _ := runCLI(t, "validate", "--config", f.Cfg)
	if code != 0 || !strings.Contains(out, "note: okta.event_hook: Okta cannot deliver oauth2.as.updated") ||
		!strings.Contains(out, "policy.lifecycle.create, policy.lifecycle.delete") || strings.Contains(out, "hook-s3cret") {
		t.Fatalf("exit %d: %s", code, out)
	}
}
