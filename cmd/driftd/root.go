package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/driftd/driftd/daemon"
)

// Exit codes of the contract.
const (
	ExitOK    = 0
	ExitError = 1
	ExitDrift = 2
)

const rootLong = `driftd keeps a W&B server's Okta single sign-on where it was declared.

Every flag can also be set in the environment: --config as DRIFTD_CONFIG,
--target as DRIFTD_TARGET, --log-level as DRIFTD_LOG_LEVEL, a command's own
flag as DRIFTD_<COMMAND>_<FLAG> (e.g. DRIFTD_HEALTHCHECK_URL); each flag's
help names its variable. A flag on the command line beats the environment.

Exit codes: 0 in sync, 2 drift remains, 1 error.`

// cli is one invocation: its arguments, where it writes, the global flags,
// and the exit code the command that ran chose.
type cli struct {
	// args is the command line after the program's name.
	args           []string
	stdout, stderr io.Writer
	code           int
	logLevel       string
	logFormat      string
}

// rootCommand builds the command tree. Commands set c.code and return nil;
// an error returned to cobra is a usage error (exit 1).
func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "driftd",
		Short:         "Keep a W&B server's Okta SSO where it was declared",
		Long:          rootLong,
		Version:       daemon.BuildVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Bare `driftd` is a mistake, not a request for help: usage on
		// stderr, exit 1. Anything else here is an unknown command.
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(c.stderr)
			_ = cmd.Help()
			c.code = ExitError
			return nil
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return applyEnv(cmd) },
	}
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.SetVersionTemplate("driftd {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return err })
	pf := root.PersistentFlags()
	pf.Var(&enumValue{v: &c.logLevel, allowed: []string{"debug", "info", "warn", "error"}}, "log-level",
		"log level: debug, info, warn or error (default: warn for check and reconcile, info for serve)")
	pf.Var(&enumValue{v: &c.logFormat, allowed: []string{"json", "text"}}, "log-format",
		"log format: json or text (default: text on a terminal, else json)")
	_ = root.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions([]string{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions([]string{"json", "text"}, cobra.ShellCompDirectiveNoFileComp))
	root.AddCommand(c.validateCommand(), c.checkCommand(false), c.checkCommand(true), c.serveCommand(),
		c.initCommand(), c.demoCommand(), c.simCommand(), c.slackCommand(), c.healthcheckCommand(), c.versionCommand())
	strictHelpAndCompletion(root)
	annotateEnv(root)
	return root
}

// strictHelpAndCompletion makes cobra's help and completion commands refuse
// what they do not know: `help nope` printed "Unknown help topic" and
// `completion tcsh` printed usage, both with exit 0, so a script could not
// tell. Both now fail as any unknown command does (exit 1, naming it).
func strictHelpAndCompletion(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, sub := range root.Commands() {
		switch sub.Name() {
		case "help":
			help := sub.Run
			sub.Run = nil
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				if found, _, err := root.Find(args); found == nil || err != nil || (found == root && len(args) > 0) {
					return fmt.Errorf("unknown help topic %q: run '%s --help' for the commands", strings.Join(args, " "), root.Name())
				}
				help(cmd, args)
				return nil
			}
		case "completion":
			shells := make([]string, 0, len(sub.Commands()))
			for _, sh := range sub.Commands() {
				shells = append(shells, sh.Name())
			}
			sub.Args = cobra.ArbitraryArgs
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return fmt.Errorf("name a shell: %s %s", cmd.CommandPath(), strings.Join(shells, "|"))
				}
				return fmt.Errorf("unknown shell %q for %s: use %s", args[0], cmd.CommandPath(), strings.Join(shells, ", "))
			}
		}
	}
}

func (c *cli) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print driftd's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(c.stdout, "driftd %s\n", daemon.BuildVersion())
			return nil
		},
	}
}

// noArgs refuses positional arguments, naming the first, where the stock
// cobra.NoArgs would call it an unknown command.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q: %s takes no arguments", args[0], cmd.CommandPath())
	}
	return nil
}

// sharedEnv are the flags whose variable carries no command name: they
// mean the same to every command that has them.
var sharedEnv = map[string]bool{"config": true, "target": true, "output": true, "log-level": true, "log-format": true}

// envName is the variable that sets flag f of cmd: DRIFTD_CONFIG for a
// shared flag, DRIFTD_HEALTHCHECK_URL for healthcheck's --url.
func envName(cmd *cobra.Command, f *pflag.Flag) string {
	name := f.Name
	if !sharedEnv[name] {
		path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name())
		name = strings.TrimSpace(path) + " " + name
	}
	return "DRIFTD_" + strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(name)))
}

// applyEnv sets every flag of cmd not given on the command line from its
// DRIFTD_* variable, so a flag beats the environment.
func applyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "help" || f.Name == "version" {
			return
		}
		env := envName(cmd, f)
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return
		}
		if serr := f.Value.Set(v); serr != nil {
			err = fmt.Errorf("%s (for --%s): %w", env, f.Name, serr)
			return
		}
		f.Changed = true
	})
	return err
}

// annotateEnv appends each flag's variable to its help.
func annotateEnv(cmd *cobra.Command) {
	mark := func(f *pflag.Flag) {
		if f.Name != "help" && f.Name != "version" && !strings.Contains(f.Usage, "[$DRIFTD_") {
			f.Usage += " [$" + envName(cmd, f) + "]"
		}
	}
	cmd.LocalNonPersistentFlags().VisitAll(mark)
	cmd.PersistentFlags().VisitAll(mark)
	for _, sub := range cmd.Commands() {
		annotateEnv(sub)
	}
}

// enumValue is a string flag that takes one of allowed (any case).
type enumValue struct {
	v       *string
	allowed []string
}

func (e *enumValue) String() string { return *e.v }

// Set refuses a value outside allowed, naming it.
func (e *enumValue) Set(s string) error {
	for _, a := range e.allowed {
		if strings.EqualFold(s, a) {
			*e.v = a
			return nil
		}
	}
	return fmt.Errorf("%q: use %s", s, strings.Join(e.allowed, ", "))
}

func (e *enumValue) Type() string { return "string" }

// parseLevel reads --log-level; empty means def, the command's default.
func parseLevel(s string, def slog.Level) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "":
		return def, nil
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("--log-level %q: use debug, info, warn or error", s)
}
