package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	slacknotify "github.com/driftd/driftd/daemon/notify/slack"

	"github.com/slack-go/slack"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/wandbsim"
)

type demo struct {
	out      io.Writer
	dir      string
	sim      *oktasim.Server
	wandb    *wandbsim.Server
	envFile  string
	appID    string
	clientID string
	api      string
	token    string
	tf       bool
}

func (d *demo) step(n int, format string, a ...any) {
	fmt.Fprintf(d.out, "\n== %d. %s\n", n, fmt.Sprintf(format, a...))
}

// Run plays the demo on out; with keep it leaves everything running until ctx ends.
func Run(ctx context.Context, out io.Writer, keep bool, listen string) error {
	start := time.Now()
	dir, err := os.MkdirTemp("", "driftd-demo-")
	if err != nil {
		return fmt.Errorf("creating the demo's directory: %w", err)
	}
	defer os.RemoveAll(dir)
	d := &demo{out: out, dir: dir, token: "demo-api-token"}
	d.sim, err = oktasim.Start(oktasim.Options{})
	if err != nil {
		return err
	}
	defer d.sim.Close()
	d.envFile = filepath.Join(dir, "k8s", "wandb", "wandb-env.env")
	d.wandb = wandbsim.Start(d.envFile)
	defer d.wandb.Close()
	fmt.Fprintf(out, "driftd demo: Okta simulator at %s, W&B simulator at %s\n", d.sim.URL, d.wandb.URL)
	mode, err := d.setup(ctx)
	if err != nil {
		return err
	}
	cfg, err := d.writeConfig(listen, mode)
	if err != nil {
		return err
	}
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	ready := make(chan string, 1)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	served := make(chan error, 1)
	go func() {
		served <- daemon.Serve(sctx, cfg, log, daemon.DaemonOptions{Ready: func(a string) { ready <- a }})
	}()
	select {
	case a := <-ready:
		d.api = "http://" + strings.Replace(a, "0.0.0.0", "127.0.0.1", 1)
	case err := <-served:
		return err
	}
	fmt.Fprintf(out, "daemon at %s (state in %s)\n", d.api, cfg.StateDir)
	if err := d.story(ctx, cfg, log, start); err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(out, "\nStill running (Ctrl-C to stop):\n  curl -H 'Authorization: Bearer %s' %s/v1/status\n  curl %s/metrics\n  Okta simulator %s   W&B simulator %s\n",
			d.token, d.api, d.api, d.sim.URL, d.wandb.URL)
		<-ctx.Done()
	}
	stop()
	return <-served
}

// setup lets Terraform own the example world when it and the demo provider
// are at hand (remediation mode apply), else wires it by hand (alert).
func (d *demo) setup(ctx context.Context) (string, error) {
	out, dir := d.out, d.dir
	mode := config.ModeAlert
	bin, tfErr := source.FindTerraform()
	provider, provErr := demoProvider(ctx, dir)
	switch {
	case tfErr != nil:
		if err := d.setupByHand(); err != nil {
			return "", err
		}
		fmt.Fprintln(out, "terraform is not on PATH: driftd will show what it would change (remediation mode: alert)")
	case provErr != nil:
		if err := d.setupByHand(); err != nil {
			return "", err
		}
		fmt.Fprintf(out, "no demo provider for Terraform (%v): driftd will show what it would change (remediation mode: alert)\n", provErr)
	default:
		if err := d.setupTerraform(ctx, bin, provider); err != nil {
			return "", fmt.Errorf("setting up Terraform: %w", err)
		}
		d.tf, mode = true, config.ModeApply
		fmt.Fprintf(out, "Terraform %s owns the Okta app and the W&B env (remediation mode: apply)\n", bin)
	}
	return mode, nil
}

// writeConfig writes and loads the demo daemon's config.
func (d *demo) writeConfig(listen, mode string) (*config.Config, error) {
	dir := d.dir
	cfgFile := filepath.Join(dir, "driftd.yaml")
	cfgText := fmt.Sprintf(`schedule: "@every 1h"
state_dir: ./state
okta:
  org_url: %s
  api_token: %s
server:
  listen: %s
  token: %s
targets:
  - name: demo
    wandb:
      url: %s
      env: {source: file, path: %s}
    okta: {app_id: %s}
    oidc: {client_id: %s, issuer: %s}
    remediation:
      mode: %s
      terraform:
        dir: ./tf
        # W&B's modules carry CORS origins in the other_wandb_env map.
        vars: {other_wandb_env.GORILLA_CORS_ORIGINS: cors_origins}
`, d.sim.URL, d.sim.Token, listen, d.token, d.wandb.URL, d.envFile, d.appID, d.clientID, d.sim.URL, mode)
	if err := os.WriteFile(cfgFile, []byte(cfgText), 0o600); err != nil {
		return nil, fmt.Errorf("writing the demo's config: %w", err)
	}
	return config.LoadConfig(cfgFile)
}

// story is steps 1 and 2: in sync, then an admin and someone else break it.
func (d *demo) story(ctx context.Context, cfg *config.Config, log *slog.Logger, start time.Time) error {
	out := d.out
	d.step(1, "Everything is wired as W&B's Okta guide says")
	rep, err := d.reconcile(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "status: %s\n", rep.Targets[0].Status)
	code, _ := d.wandb.Preflight(ctx, "null")
	fmt.Fprintf(out, "W&B answers a CORS preflight from Origin: null with %d\n", code)

	d.step(2, "An admin edits the Okta app's sign-in redirect URI, and someone drops `null` from GORILLA_CORS_ORIGINS")
	if err := d.sim.UpdateApp(d.appID, func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{d.wandb.URL + "/callback"}
	}); err != nil {
		return fmt.Errorf("editing the simulated Okta app: %w", err)
	}
	env, err := source.EnvFile{Path: d.envFile}.Env(ctx)
	if err != nil {
		return err
	}
	env.Vars[checks.EnvCORSOrigins] = d.wandb.URL
	if err := writeDotenv(d.envFile, env.Vars); err != nil {
		return err
	}
	code, body := d.wandb.Preflight(ctx, "null")
	fmt.Fprintf(out, "W&B now answers Origin: null with %d %q\n", code, strings.TrimSpace(body))

	return d.detectAndFix(ctx, cfg, log, env, start)
}

// detectAndFix is steps 3 to 6: detected, alerted, fixed, resolved.
func (d *demo) detectAndFix(ctx context.Context, cfg *config.Config, log *slog.Logger, env *checks.WandbEnv, start time.Time) error {
	out := d.out
	d.step(3, "driftd detects both (driftd check)")
	engine, err := daemon.NewEngine(ctx, cfg, log, daemon.EngineOptions{})
	if err != nil {
		return err
	}
	detected := engine.CheckAll(ctx, []*config.Target{&cfg.Targets[0]})
	_ = detected.WriteText(out)

	d.step(4, "The alert, as it reads in the channel")
	renderAlertBox(out, &detected.Targets[0], slacknotify.AlertContext{OktaOrgURL: d.sim.URL, AppID: d.appID, WandbURL: d.wandb.URL})

	if d.tf {
		d.step(5, "The fix is planned and applied through Terraform (POST /v1/reconcile)")
	} else {
		d.step(5, "Without terraform: the change a plan would make, then the fix by hand")
		for _, f := range detected.Targets[0].Findings {
			if f.Fixable {
				fmt.Fprintf(out, "  would set %s to %s\n", f.Field, report.ShowValue(f.Expected))
			}
		}
		if err := d.sim.UpdateApp(d.appID, func(a *oktasim.App) {
			a.Settings.OAuthClient.RedirectURIs = []string{d.wandb.URL + "/oidc/callback"}
		}); err != nil {
			return fmt.Errorf("fixing the simulated Okta app: %w", err)
		}
		env.Vars[checks.EnvCORSOrigins] = d.wandb.URL + ", null"
		if err := writeDotenv(d.envFile, env.Vars); err != nil {
			return err
		}
	}
	rep, err := d.reconcile(ctx)
	if err != nil {
		return err
	}
	_ = rep.WriteText(out)

	d.step(6, "The re-check is clean and the alert resolves")
	final := engine.CheckAll(ctx, []*config.Target{&cfg.Targets[0]})
	_, resolved := slacknotify.RenderRoot(&final.Targets[0], slacknotify.AlertContext{OktaOrgURL: d.sim.URL, AppID: d.appID, WandbURL: d.wandb.URL}, true)
	fmt.Fprint(out, RenderBlocksForTerminal(resolved))
	code, _ := d.wandb.Preflight(ctx, "null")
	fmt.Fprintf(out, "status: %s; W&B answers Origin: null with %d\n", final.Targets[0].Status, code)
	if final.Targets[0].Status != report.StatusOK {
		return fmt.Errorf("the demo target is still %s", final.Targets[0].Status)
	}
	fmt.Fprintf(out, "RESOLVED: demo is back in sync after %s\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}

func (d *demo) reconcile(ctx context.Context) (*report.Report, error) {
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, d.api+"/v1/reconcile", strings.NewReader(`{"target":"demo"}`))
		req.Header.Set("Authorization", "Bearer "+d.token)
		var err error
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		// The daemon's start-up pass may still hold the target: wait for it.
		if resp.StatusCode != http.StatusConflict || attempt == 200 {
			break
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("reconcile answered %s: %s", resp.Status, b)
	}
	var rep report.Report
	return &rep, json.NewDecoder(resp.Body).Decode(&rep)
}

func (d *demo) setupByHand() error {
	d.appID, d.clientID = "0oademowandb00000001", "0oademowandb00000001"
	d.sim.PutApp(oktasim.NewWandbApp(d.appID, d.clientID, d.wandb.URL, false))
	if _, err := d.sim.SetUpSignIn(d.appID, d.wandb.URL); err != nil {
		return fmt.Errorf("setting up sign-in in the Okta simulator: %w", err)
	}
	return writeDotenv(d.envFile, map[string]string{
		checks.EnvClientID: d.clientID, checks.EnvIssuer: d.sim.URL, checks.EnvAuthMethod: "implicit",
		checks.EnvCORSOrigins: d.wandb.URL + ", null",
	})
}

// setupTerraform installs the demo provider and applies the example
// module, as an operator would have done on day one.
func (d *demo) setupTerraform(ctx context.Context, bin, provider string) error {
	cli, err := example.InstallProviderMirror(d.dir, provider)
	if err != nil {
		return err
	}
	ws, err := example.Apply(ctx, example.Options{
		Dir: d.dir, Terraform: bin, CLIConfig: cli, OktaURL: d.sim.URL, OktaToken: d.sim.Token, WandbURL: d.wandb.URL,
		Setenv: func(k, v string) { os.Setenv(k, v) },
	})
	if err != nil {
		return err
	}
	d.appID, d.clientID = ws.AppID, ws.ClientID
	if _, err := d.sim.SetUpSignIn(d.appID, d.wandb.URL); err != nil {
		return fmt.Errorf("setting up sign-in in the Okta simulator: %w", err)
	}
	return nil
}

// DemoProviderName is the demo's Terraform provider binary, installed next
// to driftd (the Docker image does). It is kept out of the driftd binary so
// the daemon stays small: the plugin framework and gRPC cost megabytes of
// resident memory.
const DemoProviderName = "driftd-demo-provider"

// demoProvider finds the provider binary: $DRIFTD_DEMO_PROVIDER, next to
// this executable, or built from source when run from a checkout with Go.
func demoProvider(ctx context.Context, dir string) (string, error) {
	if p := os.Getenv("DRIFTD_DEMO_PROVIDER"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), DemoProviderName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("%s is not installed next to driftd and Go is not on PATH to build it", DemoProviderName)
	}
	out := filepath.Join(dir, DemoProviderName)
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, "github.com/driftd/driftd/internal/tfprovider/cmd/terraform-provider-driftdtest")
	if msg, err := cmd.CombinedOutput(); err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(string(msg)), "\n")
		return "", fmt.Errorf("%s is not installed next to driftd and could not be built here (%v: %s); run the demo from a driftd checkout", DemoProviderName, err, first)
	}
	return out, nil
}

// writeDotenv plays the operator writing the W&B deployment's env.
func writeDotenv(path string, vars map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating the W&B env directory: %w", err)
	}
	if err := os.WriteFile(path, []byte(source.FormatDotenv(vars)), 0o644); err != nil {
		return fmt.Errorf("writing the W&B env: %w", err)
	}
	return nil
}

// renderAlertBox draws the Slack alert for the terminal from the very
// blocks driftd would post.
func renderAlertBox(out io.Writer, res *report.TargetResult, ac slacknotify.AlertContext) {
	_, blocks := slacknotify.RenderRoot(res, ac, false)
	fmt.Fprint(out, RenderBlocksForTerminal(blocks))
}

// RenderBlocksForTerminal prints Block Kit blocks as a boxed message.
func RenderBlocksForTerminal(blocks []slack.Block) string {
	var b strings.Builder
	line := func(prefix, text string) {
		for _, l := range strings.Split(text, "\n") {
			fmt.Fprintf(&b, "│ %s%s\n", prefix, l)
		}
	}
	b.WriteString("┌──────────────────────────────────────── #wandb-sso\n")
	for _, blk := range blocks {
		switch v := blk.(type) {
		case *slack.HeaderBlock:
			line("", "▌"+v.Text.Text)
		case *slack.SectionBlock:
			if v.Text != nil {
				b.WriteString("│\n")
				line("", v.Text.Text)
			}
		case *slack.ContextBlock:
			for _, e := range v.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					line("  ", t.Text)
				}
			}
		case *slack.ActionBlock:
			for _, e := range v.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					line("", "[ "+btn.Text.Text+" ]")
				}
			}
		}
	}
	b.WriteString("└────────────────────────────────────────\n")
	return b.String()
}
