package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/daemon/terraform"
)

// configFlag adds --config to cmd.
func configFlag(cmd *cobra.Command, file *string) {
	cmd.Flags().StringVar(file, "config", "", "config file (required)")
}

func (c *cli) validateCommand() *cobra.Command {
	var file string
	var deep bool
	cmd := &cobra.Command{
		Use:   "validate --config FILE [--deep]",
		Short: "Load and validate a config and its remediation workspaces",
		Long: `Load and validate a config file exactly as serve would, check that each
remediation workspace (remediation.terraform.dir) exists, holds Terraform files
and declares the mapped variables, and print the config's warnings. With
--deep, also run 'terraform init -backend=false' and 'terraform validate' in
each workspace, so a provider that cannot be installed is named now.

Exit codes: 0 valid, 1 invalid.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.validate(cmd.Context(), file, deep)
			return nil
		},
	}
	configFlag(cmd, &file)
	cmd.Flags().BoolVar(&deep, "deep", false, "also run terraform init -backend=false and terraform validate in each remediation workspace")
	return cmd
}

func (c *cli) validate(ctx context.Context, file string, deep bool) int {
	cfg, err := loadFromFlag(file, config.ForAll, "")
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd: %v\n", err)
		return ExitError
	}
	if problems := append(workspaceProblems(ctx, cfg, deep), daemon.HelmRenderProblems(cfg)...); len(problems) > 0 {
		scrub := terraform.NewScrubber(cfg)
		fmt.Fprintf(c.stderr, "driftd: %s cannot run as configured:\n", cfg.Path)
		for _, p := range problems {
			fmt.Fprintf(c.stderr, "  - %s\n", scrub.String(p))
		}
		return ExitError
	}
	fmt.Fprintf(c.stdout, "%s: valid (%s)\n", cfg.Path, report.Plural(len(cfg.Targets), "target"))
	for _, w := range cfg.Warnings {
		fmt.Fprintf(c.stdout, "  warning: %s\n", w)
	}
	for _, n := range cfg.EventNotes() {
		fmt.Fprintf(c.stdout, "  note: %s\n", n)
	}
	return ExitOK
}

// workspaceProblems checks every remediation workspace (a directory shared
// by targets once); deep also has Terraform initialise and validate it.
func workspaceProblems(ctx context.Context, cfg *config.Config, deep bool) []string {
	var out []string
	seen := map[string]bool{}
	var tf *terraform.Terraform
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		found := terraform.CheckWorkspace(i, t)
		out = append(out, found...)
		if !deep || len(found) > 0 || t.Remedy.Mode == config.ModeAlert || t.Remedy.Terraform.Dir == "" || seen[t.Remedy.Terraform.Dir] {
			continue
		}
		seen[t.Remedy.Terraform.Dir] = true
		if tf == nil {
			var err error
			if tf, err = terraform.NewTerraform(cfg.StateDir, slog.New(slog.DiscardHandler)); err != nil {
				return append(out, fmt.Sprintf("--deep: %v", err))
			}
		}
		if err := tf.ValidateWorkspace(ctx, i, t); err != nil {
			out = append(out, err.Error())
		}
	}
	return out
}

// loadFromFlag loads --config for a command that uses the sections cmd
// names, and only the target named target when it is set: it requires only
// their secrets.
func loadFromFlag(file string, cmd config.Command, target string) (*config.Config, error) {
	if file == "" {
		return nil, errors.New("--config is required (or DRIFTD_CONFIG)")
	}
	return config.LoadConfigFor(file, cmd, target)
}

// checkOptions are check's and reconcile's flags.
type checkOptions struct {
	file, target, output string
	reconcile            bool
}

func (c *cli) checkCommand(reconcile bool) *cobra.Command {
	o := &checkOptions{reconcile: reconcile}
	cmd := &cobra.Command{
		Use:   "check --config FILE [--target NAME] [--output text|json]",
		Short: "One pass of every check; never changes anything",
		Long: `Run one pass of every check against each target (or one) and print the findings.
It never changes anything.

Exit codes: 0 in sync, 2 drift, 1 error.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.check(cmd.Context(), o)
			return nil
		},
	}
	if reconcile {
		cmd.Use = "reconcile --config FILE [--target NAME] [--output text|json]"
		cmd.Short = "One pass, remediation per each target's mode, then a re-check"
		cmd.Long = `Run one pass, remediate per each target's remediation mode (through Terraform),
then re-check. It refuses to run beside a serve of the same state_dir.

Exit codes: 0 in sync at the end, 2 drift remains, 1 error.`
	}
	configFlag(cmd, &o.file)
	cmd.Flags().StringVar(&o.target, "target", "", "only this target")
	cmd.Flags().StringVar(&o.output, "output", "text", "text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (c *cli) check(ctx context.Context, o *checkOptions) int {
	name := "check"
	if o.reconcile {
		name = "reconcile"
	}
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "driftd %s: %v\n", name, err)
		return ExitError
	}
	if o.output != "text" && o.output != "json" {
		return fail(fmt.Errorf("--output %q: use text or json", o.output))
	}
	uses := config.ForCheck
	if o.reconcile {
		uses = config.ForReconcile
	}
	// With --target, only that target's secrets are required.
	cfg, err := loadFromFlag(o.file, uses, o.target)
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd: %v\n", err)
		return ExitError
	}
	log := c.logger(c.stderr, slog.LevelWarn)
	targets, err := cfg.Select(o.target)
	if err != nil {
		return fail(err)
	}
	log.Debug("config loaded", "config", cfg.Path, "targets", len(targets), "command", name)
	engine, err := daemon.NewEngine(ctx, cfg, log, daemon.EngineOptions{})
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	var rep *report.Report
	if o.reconcile {
		st, err := openStateDir(cfg, log)
		if err != nil {
			return fail(err)
		}
		defer st.Close()
		runner, err := daemon.NewRunner(ctx, engine, log, daemon.RunnerOptions{Backoff: st})
		if err != nil {
			return fail(err)
		}
		rep = runner.ReconcileAll(ctx, targets, "cli")
	} else {
		rep = engine.CheckAll(ctx, targets)
	}
	for _, t := range rep.Targets {
		log.Debug("target done", "target", t.Name, "status", t.Status, "findings", len(t.Findings), "errors", len(t.Errors))
	}
	log.Debug("pass done", "took", time.Since(start), "exit", rep.ExitCode())
	if o.output == "json" {
		err = rep.WriteJSON(c.stdout)
	} else {
		err = rep.WriteText(c.stdout)
	}
	if err != nil {
		return fail(fmt.Errorf("writing report: %w", err))
	}
	return rep.ExitCode()
}

// openStateDir takes the store, and with it the state_dir's lock, as serve
// does: a reconcile changes things, so it never runs beside a serve of the
// same state_dir, and it honours the remediation backoff serve persisted.
func openStateDir(cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.OpenStore(cfg.StateDir, cfg.Retention)
	if errors.Is(err, store.ErrStateDirInUse) {
		return nil, fmt.Errorf("state_dir %s is in use by another driftd (a running `driftd serve`?): "+
			"ask it instead (POST /v1/reconcile on its server.listen), or stop it first", cfg.StateDir)
	}
	if err != nil {
		return nil, err
	}
	if m := st.Loosened(); m != 0 {
		log.Warn("state_dir was readable by others; tightened it to 0700", "state_dir", cfg.StateDir, "was", fmt.Sprintf("%#o", m))
	}
	return st, nil
}
