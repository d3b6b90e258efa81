package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/oktasim"
)

// initWorld is a console-made install: an app made through the
// simulator's admin path (not by Terraform), its sign-in set up as an
// admin does it, and a W&B env file that uses it.
type initWorld struct {
	sim      *oktasim.Server
	dir, env string
	wandbURL string
}

const initToken = "00SECRET-init-okta-token"

func newInitWorld(t *testing.T) *initWorld {
	t.Helper()
	sim, err := oktasim.Start(oktasim.Options{Token: initToken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	w := &initWorld{sim: sim, dir: t.TempDir(), wandbURL: "https://wandb.acme.test"}
	// Another OIDC app first, so the lookup by client id has to choose.
	sim.PutApp(oktasim.NewWandbApp("0oaother", "0oaotherclient", "https://other.acme.test", false))
	sim.PutApp(oktasim.NewWandbApp("0oainit", "0oainitclient", w.wandbURL, false))
	if _, err := sim.SetUpSignIn("0oainit", w.wandbURL); err != nil {
		t.Fatal(err)
	}
	w.env = filepath.Join(w.dir, "wandb.env")
	w.writeEnv(t, map[string]string{
		"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": sim.URL,
		"GORILLA_CORS_ORIGINS": w.wandbURL + ",null", "MYSQL": "mysql://wandb:SECRET-db-password@db:3306/wandb",
	})
	t.Setenv("OKTA_API_TOKEN", initToken)
	return w
}

func (w *initWorld) writeEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	if err := os.WriteFile(w.env, []byte(source.FormatDotenv(vars)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (w *initWorld) init(t *testing.T, out string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"init", "--okta-org-url", w.sim.URL, "--wandb-url", w.wandbURL, "--env-file", w.env, "--out", out}, extra...)
	code, stdout, stderr := runCLI(t, args...)
	for _, s := range []string{initToken, "SECRET-db-password"} {
		if strings.Contains(stdout+stderr, s) {
			t.Fatalf("init printed a secret:\n%s\n%s", stdout, stderr)
		}
	}
	return code, stdout, stderr
}

func TestInitWritesAConfigThatValidatesAndChecksInSync(t *testing.T) {
	w := newInitWorld(t)
	out := filepath.Join(w.dir, "init")
	code, stdout, stderr := w.init(t, out)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cfg := filepath.Join(out, "driftd.yaml")
	body := readFile(t, cfg)
	for _, want := range []string{`app_id: "0oainit"`, "OIDC_CLIENT_ID in the env file", `"null"`, "${OKTA_API_TOKEN}", "groups:"} {
		if !strings.Contains(body, want) {
			t.Errorf("driftd.yaml lacks %q:\n%s", want, body)
		}
	}
	for _, f := range []string{cfg, filepath.Join(out, "terraform", "main.tf"), filepath.Join(out, "terraform", "imports.tf")} {
		if s := readFile(t, f); strings.Contains(s, initToken) || strings.Contains(s, "SECRET-db-password") {
			t.Fatalf("%s holds a secret:\n%s", f, s)
		}
	}
	if code, o, e := runCLI(t, "validate", "--config", cfg); code != 0 {
		t.Fatalf("validate: exit %d\n%s\n%s", code, o, e)
	}
	if code, o, e := runCLI(t, "check", "--config", cfg); code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s\n%s", code, o, e, body)
	}
}

func TestInitRefusesToBlessAFailingStateUnlessAccepted(t *testing.T) {
	w := newInitWorld(t)
	// W&B lost the literal null origin: today's state fails wandb.cors_origins.
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL, "GORILLA_CORS_ORIGINS": w.wandbURL})
	if err := w.sim.AdminEdit("0oainit", func(a *oktasim.App) { a.Settings.OAuthClient.RedirectURIs = []string{"https://typo.acme.test/cb"} }); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(w.dir, "init")
	code, stdout, stderr := w.init(t, out)
	if code != 2 || !strings.Contains(stdout, "okta.redirect_uris") {
		t.Fatalf("init of a failing state: exit %d, want 2 with the findings\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("init wrote %s although it refused: %v", out, err)
	}
	code, stdout, stderr = w.init(t, out, "--accept-current")
	if code != 0 {
		t.Fatalf("init --accept-current: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if body := readFile(t, filepath.Join(out, "driftd.yaml")); !strings.Contains(body, "# Accepted with --accept-current") || !strings.Contains(body, "okta.redirect_uris") {
		t.Fatalf("the accepted findings are not written as comments:\n%s", body)
	}
}

func TestInitNamesAClientIDNoAppHasAndNeverOverwrites(t *testing.T) {
	w := newInitWorld(t)
	out := filepath.Join(w.dir, "init")
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oanosuchclient", "OIDC_ISSUER": w.sim.URL})
	code, _, stderr := w.init(t, out)
	if code != 1 || !strings.Contains(stderr, "0oanosuchclient") {
		t.Fatalf("unknown client id: exit %d, want 1 naming it\n%s", code, stderr)
	}
	// Two apps with one client id: which one W&B uses is unknowable.
	w.sim.PutApp(oktasim.NewWandbApp("0oatwin", "0oainitclient", w.wandbURL, false))
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL})
	if code, _, stderr := w.init(t, out); code != 1 || !strings.Contains(stderr, "2 OIDC apps") || !strings.Contains(stderr, "0oainitclient") {
		t.Fatalf("two apps with the client id: exit %d, want 1 naming it\n%s", code, stderr)
	}
	w.sim.DeleteApp("0oatwin")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(out, "driftd.yaml")
	if err := os.WriteFile(mine, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := w.init(t, out); code != 1 || !strings.Contains(stderr, "exists") {
		t.Fatalf("an existing driftd.yaml: exit %d, want 1\n%s", code, stderr)
	}
	if got := readFile(t, mine); got != "# mine\n" {
		t.Fatalf("init overwrote an existing file: %q", got)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestInitNeverWritesThroughASymlink: a symlink where init would write (a
// dangling one to a file it would create, or one to a directory for its
// module) counts as an existing file: init exits 1 and creates nothing at
// the link's target. Other files already in --out stay as they are.
func TestInitNeverWritesThroughASymlink(t *testing.T) {
	w := newInitWorld(t)
	for _, name := range []string{"driftd.yaml", "terraform"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "init")
			elsewhere := filepath.Join(t.TempDir(), "elsewhere")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if name == "terraform" {
				if err := os.MkdirAll(elsewhere, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(elsewhere, filepath.Join(out, name)); err != nil {
				t.Fatal(err)
			}
			if code, _, stderr := w.init(t, out); code != 1 || !strings.Contains(stderr, "exists") {
				t.Fatalf("a symlink at %s: exit %d, want 1 naming it\n%s", name, code, stderr)
			}
			if name == "driftd.yaml" {
				if _, err := os.Lstat(elsewhere); !os.IsNotExist(err) {
					t.Fatalf("init wrote through the symlink to %s: %v", elsewhere, err)
				}
			} else if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
				t.Fatalf("init wrote through the symlink into %s: %v", elsewhere, ents)
			}
			if _, err := os.Lstat(filepath.Join(out, "driftd.yaml")); name == "terraform" && !os.IsNotExist(err) {
				t.Fatalf("init wrote driftd.yaml although it refused: %v", err)
			}
			if got := readFile(t, filepath.Join(out, "notes.txt")); got != "mine\n" {
				t.Fatalf("init changed a file it does not own: %q", got)
			}
		})
	}
}

// TestInitReportsAnIssuerNoOktaIssuerHas: a W&B whose OIDC_ISSUER ends in
// a slash (or names the -admin console host) rejects every Okta token,
// whose iss names the issuer without one (contract section 1). That is
// today's state failing a check, so init exits 2 naming wandb.oidc_issuer,
// and --accept-current writes the issuer Okta names; it used to exit 1
// calling its own config "a bug in driftd init".
func TestInitReportsAnIssuerNoOktaIssuerHas(t *testing.T) {
	w := newInitWorld(t)
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL + "/", "GORILLA_CORS_ORIGINS": w.wandbURL + ",null"})
	out := filepath.Join(w.dir, "init")
	code, stdout, stderr := w.init(t, out)
	if code != 2 || !strings.Contains(stdout, "wandb.oidc_issuer") {
		t.Fatalf("init of an issuer with a trailing slash: exit %d, want 2 naming wandb.oidc_issuer\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("init wrote %s although it refused: %v", out, err)
	}
	if code, stdout, stderr = w.init(t, out, "--accept-current"); code != 0 {
		t.Fatalf("init --accept-current: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cfg := filepath.Join(out, "driftd.yaml")
	if body := readFile(t, cfg); !strings.Contains(body, `issuer: "`+w.sim.URL+`"`) {
		t.Fatalf("driftd.yaml does not declare the issuer Okta names (%s):\n%s", w.sim.URL, body)
	}
	if code, o, e := runCLI(t, "check", "--config", cfg); code != 2 || !strings.Contains(o, "wandb.oidc_issuer") {
		t.Fatalf("check of the accepted config: exit %d, want 2 naming wandb.oidc_issuer\n%s\n%s", code, o, e)
	}
}

// TestInitLeavesOutWhatTheConfigCannotDeclare: a real app may also hold a
// redirect URI the config cannot declare (plain http to a dev host, a
// native app's custom scheme: Okta takes both), and a W&B may list "*" in
// GORILLA_CORS_ORIGINS. Init declares the rest, names the left-out values
// in a comment, and the check reports them (an extra URI is a warning);
// init used to exit 1 calling its own config "a bug in driftd init".
func TestInitLeavesOutWhatTheConfigCannotDeclare(t *testing.T) {
	w := newInitWorld(t)
	if err := w.sim.AdminEdit("0oainit", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = append(a.Settings.OAuthClient.RedirectURIs, "http://wandb.internal/oidc/callback", "com.acme.wandb:/callback")
	}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(w.dir, "init")
	code, stdout, stderr := w.init(t, out)
	if code != 0 {
		t.Fatalf("init: exit %d, want 0\n%s\n%s", code, stdout, stderr)
	}
	cfg := filepath.Join(out, "driftd.yaml")
	body := readFile(t, cfg)
	if !strings.Contains(body, "http://wandb.internal/oidc/callback") || !strings.Contains(body, "com.acme.wandb:/callback") {
		t.Fatalf("driftd.yaml does not name the URIs it leaves out:\n%s", body)
	}
	if code, o, e := runCLI(t, "check", "--config", cfg, "--output", "json"); code != 0 || !strings.Contains(o, "http://wandb.internal/oidc/callback") {
		t.Fatalf("check: exit %d, want 0 with the left-out URIs as extras\n%s\n%s", code, o, e)
	}

	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL, "GORILLA_CORS_ORIGINS": "*"})
	out = filepath.Join(w.dir, "init-cors")
	if code, stdout, stderr = w.init(t, out); code != 2 || !strings.Contains(stdout, "wandb.cors_origins") {
		t.Fatalf("init of GORILLA_CORS_ORIGINS=*: exit %d, want 2 naming wandb.cors_origins\n%s\n%s", code, stdout, stderr)
	}
}

// TestInitNamesAnAuthMethodItCannotDeclare: an OIDC_AUTH_METHOD that names
// no flow W&B knows is today's state failing wandb.oidc_auth_method, so
// init prints that finding and exits 2 writing nothing (contract section
// 12), or, with --accept-current, declares the app's flow and names the
// value it could not take; it exited 1 (and, before that, called its own
// config "a bug in driftd init"). The check reads the value in any letter
// case, so init does too: PKCE is pkce.
func TestInitNamesAnAuthMethodItCannotDeclare(t *testing.T) {
	w := newInitWorld(t)
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL, "OIDC_AUTH_METHOD": "code", "GORILLA_CORS_ORIGINS": w.wandbURL + ",null"})
	out := filepath.Join(w.dir, "init")
	code, stdout, stderr := w.init(t, out)
	if code != 2 || !strings.Contains(stdout, "wandb.oidc_auth_method") || strings.Contains(stderr, "a bug in driftd init") {
		t.Fatalf("init of OIDC_AUTH_METHOD=code: exit %d, want 2 naming wandb.oidc_auth_method\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("init exited 2 and wrote %s", out)
	}
	if code, stdout, stderr = w.init(t, out, "--accept-current"); code != 0 {
		t.Fatalf("init --accept-current: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if body := readFile(t, filepath.Join(out, "driftd.yaml")); !strings.Contains(body, `OIDC_AUTH_METHOD in`) || !strings.Contains(body, `"code", no flow W&B knows`) {
		t.Errorf("driftd.yaml does not name the value it could not take:\n%s", body)
	}
	w.writeEnv(t, map[string]string{"OIDC_CLIENT_ID": "0oainitclient", "OIDC_ISSUER": w.sim.URL, "OIDC_AUTH_METHOD": "PKCE", "GORILLA_CORS_ORIGINS": w.wandbURL + ",null"})
	out = filepath.Join(w.dir, "init-pkce")
	if code, stdout, stderr = w.init(t, out, "--accept-current"); code != 0 || strings.Contains(stdout, "wandb.oidc_auth_method") {
		t.Fatalf("init of OIDC_AUTH_METHOD=PKCE: exit %d, want 0 without a wandb.oidc_auth_method finding\n%s\n%s", code, stdout, stderr)
	}
	if body := readFile(t, filepath.Join(out, "driftd.yaml")); !strings.Contains(body, `auth_method: "pkce"`) {
		t.Errorf("OIDC_AUTH_METHOD=PKCE is not declared as pkce:\n%s", body)
	}
}
