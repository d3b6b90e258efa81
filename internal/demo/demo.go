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
	"path/filepath"
	"strings"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/slacksim"
	"github.com/driftd/driftd/internal/wandbsim"
)

// Options are `driftd demo`'s flags.
type Options struct {
	Out         io.Writer
	KeepRunning bool   // leave everything up until ctx ends
	Listen      string // the demo daemon's HTTP API
	OktaListen  string // the simulators' addresses; "" or port 0 picks one
	WandbListen string
	SlackListen string
}

// The demo's own credentials: nothing real, printed by --keep-running.
const (
	demoAPIToken      = "demo-api-token"
	demoSlackToken    = "xoxb-demo-driftd"
	demoSigningSecret = "demo-signing-secret"
	demoApprover      = "U0DEMOAPPROVER"
	demoChannel       = "#wandb-sso"
)

type demo struct {
	out      io.Writer
	dir      string
	sim      *oktasim.Server
	wandb    *wandbsim.Server
	slack    *slacksim.Server
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

// Run plays the demo on o.Out; with o.KeepRunning it leaves everything
// running until ctx ends.
func Run(ctx context.Context, o Options) error {
	dir, err := os.MkdirTemp("", "driftd-demo-")
	if err != nil {
		return fmt.Errorf("creating the demo's directory: %w", err)
	}
	defer os.RemoveAll(dir)
	d := &demo{out: o.Out, dir: dir, token: demoAPIToken}
	if err := d.startSimulators(o); err != nil {
		return err
	}
	defer d.sim.Close()
	defer d.wandb.Close()
	defer d.slack.Close()
	fmt.Fprintf(d.out, "driftd demo: Okta simulator at %s, W&B simulator at %s, Slack simulator at %s\n", d.sim.URL, d.wandb.URL, d.slack.URL)
	mode, err := d.setup(ctx)
	if err != nil {
		return err
	}
	if err := d.showInit(ctx); err != nil {
		return err
	}
	cfg, err := d.writeConfig(orDefault(o.Listen), mode)
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
		d.api = slacksim.LoopbackURL("http://" + a)
	case err := <-served:
		return err
	}
	fmt.Fprintf(d.out, "daemon at %s (state in %s), alerting %s through the Slack simulator\n", d.api, cfg.StateDir, demoChannel)
	if err := d.story(ctx, cfg, log); err != nil {
		// What the daemon knows of the target, read while it runs, then its
		// warnings and errors once Serve returned (it has stopped writing)
		// and what it said in Slack: together they say why a step never came.
		fmt.Fprintf(d.out, "\n== The demo failed: %v\n", err)
		d.showTarget(ctx)
		stop()
		<-served
		showProblems(d.out, logBuf.Bytes())
		showSlack(d.out, d.slack.Messages())
		return err
	}
	if o.KeepRunning {
		d.printEndpoints()
		<-ctx.Done()
	}
	stop()
	return <-served
}

func orDefault(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	return addr
}

// startSimulators starts Okta, W&B and Slack on their (pinned) addresses.
func (d *demo) startSimulators(o Options) error {
	var err error
	d.sim, err = oktasim.Start(oktasim.Options{Addr: orDefault(o.OktaListen)})
	if err != nil {
		return err
	}
	// A wildcard address (0.0.0.0 in a container) is reached on loopback.
	if u := slacksim.LoopbackURL(d.sim.URL); u != d.sim.URL {
		d.sim.URL = u
	}
	d.envFile = filepath.Join(d.dir, "k8s", "wandb", "wandb-env.env")
	d.wandb, err = wandbsim.StartAt(orDefault(o.WandbListen), d.envFile)
	if err != nil {
		d.sim.Close()
		return err
	}
	d.slack, err = slacksim.StartAt(orDefault(o.SlackListen), demoSlackToken)
	if err != nil {
		d.sim.Close()
		d.wandb.Close()
		return err
	}
	// The workspace has the channel and the bot was invited to it.
	d.slack.SetChannels(slacksim.Channel{ID: demoChannelID, Name: strings.TrimPrefix(demoChannel, "#"), Member: true})
	return nil
}

// printEndpoints is --keep-running's map: every URL and the token it takes.
func (d *demo) printEndpoints() {
	fmt.Fprintf(d.out, `
Still running (Ctrl-C to stop):
  driftd API       %[1]s   (bearer token %[2]s)
    curl -H 'Authorization: Bearer %[2]s' %[1]s/v1/status
    curl %[1]s/metrics
  Okta simulator   %[3]s   (API token %[4]s)
    curl -H 'Authorization: SSWS %[4]s' %[3]s/api/v1/apps/%[5]s
    curl %[3]s/.well-known/openid-configuration
  W&B simulator    %[6]s   (no token)
    curl -i -X OPTIONS -H 'Origin: null' -H 'Access-Control-Request-Method: POST' %[6]s/graphql
  Slack simulator  %[7]s   (bot token %[8]s, signing secret %[9]s)
    the daemon posts to %[7]s/api/chat.postMessage
`, d.api, d.token, d.sim.URL, d.sim.Token, d.appID, d.wandb.URL, d.slack.URL, demoSlackToken, demoSigningSecret)
}

// setup lets Terraform own the Okta app when it and the real okta provider
// (a filesystem mirror .ci/build-providers built) are at hand (remediation
// mode approve: the fix waits for a click on "Apply fix"), else wires it by
// hand (alert).
func (d *demo) setup(ctx context.Context) (string, error) {
	out := d.out
	mode := config.ModeAlert
	bin, tfErr := source.FindTerraform()
	providers, provErr := example.ProvidersConfig()
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
		fmt.Fprintf(out, "the okta provider is not built (%v; .ci/build-providers builds it): driftd will show what it would change (remediation mode: alert)\n", provErr)
	default:
		if err := d.setupTerraform(ctx, bin, providers); err != nil {
			return "", fmt.Errorf("setting up Terraform: %w", err)
		}
		d.tf, mode = true, config.ModeApprove
		fmt.Fprintf(out, "Terraform %s and the okta provider own the Okta app (remediation mode: approve, in Slack)\n", bin)
	}
	return mode, nil
}

// writeConfig writes and loads the demo daemon's config.
func (d *demo) writeConfig(listen, mode string) (*config.Config, error) {
	dir := d.dir
	cfgFile := filepath.Join(dir, "driftd.yaml")
	tfEnv := "" // alert mode runs no Terraform
	if mode != config.ModeAlert {
		tfEnv = "        # Terraform's own credential: driftd passes it nothing else.\n        env: " + example.TerraformEnvYAML(example.ProviderEnvNames) + "\n"
	}
	cfgText := fmt.Sprintf(`schedule: "@every 1h"
state_dir: ./state
okta:
  org_url: %s
  api_token: %s
slack:
  bot_token: %s
  channel: "%s"
  api_url: %s
  signing_secret: %s
  approvers: [%s]
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
%s`, d.sim.URL, d.sim.Token, demoSlackToken, demoChannel, d.slack.APIURL(), demoSigningSecret, demoApprover,
		listen, d.token, d.wandb.URL, d.envFile, d.appID, d.clientID, d.sim.URL, mode, tfEnv)
	if err := os.WriteFile(cfgFile, []byte(cfgText), 0o600); err != nil {
		return nil, fmt.Errorf("writing the demo's config: %w", err)
	}
	return config.LoadConfig(cfgFile)
}

// reconcile runs the demo target through POST /v1/reconcile. Another run
// may hold the target (409): the daemon's start-up pass, which can take it
// right after step 1 and then plan with the real provider. The demo waits
// for it as long as for any of the daemon's steps (stepWait); it gave up
// after 200 answers 50 ms apart, less than such a plan takes on a loaded
// machine.
func (d *demo) reconcile(ctx context.Context) (*report.Report, error) {
	var resp *http.Response
	for deadline := time.Now().Add(stepWait); ; {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, d.api+"/v1/reconcile", strings.NewReader(`{"target":"demo"}`))
		req.Header.Set("Authorization", "Bearer "+d.token)
		var err error
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			break
		}
		resp.Body.Close()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
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

// setupTerraform applies the Okta side of the example module with the
// real okta provider against the Okta simulator, as an operator would have
// done on day one. W&B's env stays a file the demo writes: there is no
// cluster for the kubernetes provider here.
func (d *demo) setupTerraform(ctx context.Context, bin, providers string) error {
	ws, err := example.Apply(ctx, example.Options{
		Dir: d.dir, Terraform: bin, CLIConfig: providers, OktaURL: d.sim.URL, OktaToken: d.sim.Token, WandbURL: d.wandb.URL,
		Setenv: func(k, v string) { os.Setenv(k, v) },
	})
	if err != nil {
		return err
	}
	d.appID, d.clientID = ws.AppID, ws.ClientID
	if _, err := d.sim.SetUpSignIn(d.appID, d.wandb.URL); err != nil {
		return fmt.Errorf("setting up sign-in in the Okta simulator: %w", err)
	}
	return writeDotenv(d.envFile, map[string]string{
		checks.EnvClientID: d.clientID, checks.EnvIssuer: d.sim.URL, checks.EnvAuthMethod: "implicit",
		checks.EnvCORSOrigins: d.wandb.URL + ",null",
	})
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

// showProblems prints the daemon's warnings and errors from its JSON log
// (the last 30), for a demo that failed: without them a step that never
// came says nothing of why. The log holds no secret (driftd scrubs them
// before logging).
func showProblems(out io.Writer, log []byte) {
	var lines []string
	for _, line := range bytes.Split(log, []byte("\n")) {
		var rec struct {
			Level string `json:"level"`
		}
		if json.Unmarshal(line, &rec) == nil && (rec.Level == "WARN" || rec.Level == "ERROR") {
			lines = append(lines, string(line))
		}
	}
	if len(lines) == 0 {
		return
	}
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	fmt.Fprintf(out, "the daemon's warnings and errors (last %d):\n", len(lines))
	for _, l := range lines {
		fmt.Fprintln(out, "  "+l)
	}
}
