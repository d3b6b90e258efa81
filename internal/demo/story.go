package demo

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/oktasim"
)

// story is steps 1 and 2: in sync, then an admin and someone else break it.
func (d *demo) story(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	out := d.out
	d.step(1, "Everything is wired as W&B's Okta guide says")
	rep, err := d.reconcile(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "status: %s\n", rep.Targets[0].Status)
	code, _ := d.wandb.Preflight(ctx, "null")
	fmt.Fprintf(out, "W&B answers a CORS preflight from Origin: null with %d\n", code)

	env, err := d.breakIt(ctx)
	if err != nil {
		return err
	}
	edited := time.Now()
	if !d.tf {
		code, body := d.wandb.Preflight(ctx, "null")
		fmt.Fprintf(out, "W&B now answers Origin: null with %d %q\n", code, strings.TrimSpace(body))
	}

	root, err := d.detect(ctx, edited)
	if err != nil {
		return err
	}
	fixed, err := d.fix(ctx, root, env)
	if err != nil {
		return err
	}
	return d.resolve(ctx, cfg, log, root, edited, fixed)
}

// breakIt is step 2's edits: the Okta app's redirect URI and, when no
// Terraform owns the Okta side alone, W&B's CORS origins (W&B's env is a
// file the demo writes, which the okta provider cannot fix).
func (d *demo) breakIt(ctx context.Context) (*checks.WandbEnv, error) {
	if d.tf {
		d.step(2, "An admin edits the Okta app's sign-in redirect URI")
	} else {
		d.step(2, "An admin edits the Okta app's sign-in redirect URI, and someone drops `null` from GORILLA_CORS_ORIGINS")
	}
	if err := d.sim.UpdateApp(d.appID, func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{d.wandb.URL + "/callback"}
	}); err != nil {
		return nil, fmt.Errorf("editing the simulated Okta app: %w", err)
	}
	env, err := source.EnvFile{Path: d.envFile}.Env(ctx)
	if err != nil || d.tf {
		return env, err
	}
	env.Vars[checks.EnvCORSOrigins] = d.wandb.URL
	return env, writeDotenv(d.envFile, env.Vars)
}

// alertRoot is the daemon's alert as the Slack simulator recorded it.
type alertRoot struct {
	ts, plan string
	at       time.Time
	findings []checks.Finding
}

// detect is steps 3 and 4: the daemon's pass finds both and posts its alert.
func (d *demo) detect(ctx context.Context, edited time.Time) (alertRoot, error) {
	d.step(3, "driftd detects the drift (the daemon's pass: POST /v1/reconcile, as the schedule runs it)")
	rep, err := d.reconcile(ctx)
	if err != nil {
		return alertRoot{}, err
	}
	_ = rep.WriteText(d.out)

	d.step(4, "The alert driftd posted in %s (the Slack simulator's recording)", demoChannel)
	msg, err := d.waitMessage(ctx, func(m postedMessage) bool { return m.Method == "chat.postMessage" && m.ThreadTS == "" })
	if err != nil {
		return alertRoot{}, err
	}
	fmt.Fprint(d.out, RenderMessageForTerminal(d.channelName(msg.Channel), msg.Blocks, msg.Text))
	fmt.Fprintf(d.out, "posted %s after the edit\n", seconds(msg.At.Sub(edited)))
	root := alertRoot{ts: msg.TS, at: msg.At, findings: rep.Targets[0].Findings}
	if rem := rep.Targets[0].Remediation; rem != nil {
		root.plan = rem.PlanID
	}
	return root, nil
}

// fix is step 5: an approver clicks "Apply fix" (Terraform applies the
// saved plan), or, without Terraform, the fix is made by hand and the
// daemon's next pass sees it. It returns when the fix started.
func (d *demo) fix(ctx context.Context, root alertRoot, env *checks.WandbEnv) (time.Time, error) {
	if d.tf {
		d.step(5, "An approver clicks \"Apply fix\": Terraform applies the saved plan %s", root.plan)
		fixed := time.Now()
		return fixed, d.clickApply(ctx, root.plan)
	}
	d.step(5, "Without terraform: the change a plan would make, then the fix by hand and the daemon's next pass")
	for _, f := range root.findings {
		if f.Fixable {
			fmt.Fprintf(d.out, "  would set %s to %s\n", f.Field, report.ShowValue(f.Expected))
		}
	}
	if err := d.sim.UpdateApp(d.appID, func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{d.wandb.URL + "/oidc/callback"}
	}); err != nil {
		return time.Time{}, fmt.Errorf("fixing the simulated Okta app: %w", err)
	}
	env.Vars[checks.EnvCORSOrigins] = d.wandb.URL + ", null"
	if err := writeDotenv(d.envFile, env.Vars); err != nil {
		return time.Time{}, err
	}
	fixed := time.Now()
	rep, err := d.reconcile(ctx)
	if err != nil {
		return fixed, err
	}
	_ = rep.WriteText(d.out)
	return fixed, nil
}

// resolve is step 6: the daemon's thread replies and its updated alert,
// then an independent check.
func (d *demo) resolve(ctx context.Context, cfg *config.Config, log *slog.Logger, root alertRoot, edited, fixed time.Time) error {
	out := d.out
	d.step(6, "driftd resolves its alert (the thread and the updated message, as recorded)")
	if d.tf {
		if err := d.waitApproval(ctx, root); err != nil {
			return err
		}
	}
	upd, err := d.waitMessage(ctx, func(m postedMessage) bool {
		return m.Method == "chat.update" && m.TS == root.ts && strings.HasPrefix(m.Text, "Resolved")
	})
	if err != nil {
		return err
	}
	// The resolution's thread reply is delivered after the update.
	if _, err := d.waitMessage(ctx, func(m postedMessage) bool {
		return m.Method == "chat.postMessage" && m.ThreadTS == root.ts && strings.HasPrefix(m.Text, "Resolved")
	}); err != nil {
		return err
	}
	for _, m := range d.slack.Messages() {
		if m.Method == "chat.postMessage" && m.ThreadTS == root.ts {
			fmt.Fprint(out, RenderMessageForTerminal(d.channelName(m.Channel)+", in the alert's thread", m.Blocks, m.Text))
		}
	}
	fmt.Fprintf(out, "the alert itself now reads:\n")
	fmt.Fprint(out, RenderMessageForTerminal(d.channelName(upd.Channel), upd.Blocks, upd.Text))
	engine, err := daemon.NewEngine(ctx, cfg, log, daemon.EngineOptions{})
	if err != nil {
		return err
	}
	final := engine.CheckAll(ctx, []*config.Target{&cfg.Targets[0]})
	code, _ := d.wandb.Preflight(ctx, "null")
	fmt.Fprintf(out, "driftd check: %s; W&B answers Origin: null with %d\n", final.Targets[0].Status, code)
	if final.Targets[0].Status != report.StatusOK {
		return fmt.Errorf("the demo target is still %s", final.Targets[0].Status)
	}
	fmt.Fprintf(out, "RESOLVED: demo is back in sync: alerted %s after the edit, resolved %s after the fix\n",
		seconds(root.at.Sub(edited)), seconds(upd.At.Sub(fixed)))
	return nil
}

// seconds shows a duration as "2.35s", or "8ms" under a second.
func seconds(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
