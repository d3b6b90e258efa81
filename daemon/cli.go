package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/term"
)

// Version is set at build time with -ldflags "-X github.com/driftd/driftd/daemon.Version=v1.2.3".
var Version = ""

// Exit codes of the contract.
const (
	ExitOK    = 0
	ExitError = 1
	ExitDrift = 2
)

const usage = `driftd keeps a W&B server's Okta single sign-on where it was declared.

Usage:
  driftd validate  --config FILE
  driftd check     --config FILE [--target NAME] [--output text|json]
  driftd reconcile --config FILE [--target NAME] [--output text|json]
  driftd serve     --config FILE
  driftd demo      [--keep-running] [--listen ADDR]
  driftd sim okta  [--listen ADDR]
  driftd healthcheck [--url URL]     (for container HEALTHCHECKs)
  driftd version

Exit codes: 0 in sync, 2 drift remains, 1 error.
`

// Main runs the command line; it returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitError
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "check":
		return cmdCheck(ctx, rest, stdout, stderr, false)
	case "reconcile":
		return cmdCheck(ctx, rest, stdout, stderr, true)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "sim":
		return cmdSim(ctx, rest, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "driftd %s\n", BuildVersion())
		return ExitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "driftd: unknown command %q\n\n%s", cmd, usage)
	return ExitError
}

// BuildVersion is the version stamped at build time, or the module version.
func BuildVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("driftd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// configOnly parses a command whose only flag is --config and loads it.
func configOnly(name string, args []string, stderr io.Writer) (*Config, bool) {
	fs := newFlags(name, stderr)
	file := fs.String("config", "", "config file")
	if fs.Parse(args) != nil {
		return nil, false
	}
	cfg, err := loadFromFlag(*file)
	if err != nil {
		fmt.Fprintf(stderr, "driftd: %v\n", err)
		return nil, false
	}
	return cfg, true
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	cfg, ok := configOnly("validate", args, stderr)
	if !ok {
		return ExitError
	}
	fmt.Fprintf(stdout, "%s: valid (%s)\n", cfg.Path, plural(len(cfg.Targets), "target"))
	return ExitOK
}

func loadFromFlag(file string) (*Config, error) {
	if file == "" {
		return nil, errors.New("--config is required")
	}
	return LoadConfig(file)
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer, reconcile bool) int {
	name := "check"
	if reconcile {
		name = "reconcile"
	}
	fs := newFlags(name, stderr)
	file := fs.String("config", "", "config file")
	target := fs.String("target", "", "only this target")
	output := fs.String("output", "text", "text or json")
	if fs.Parse(args) != nil {
		return ExitError
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "driftd %s: --output %q: use text or json\n", name, *output)
		return ExitError
	}
	cfg, err := loadFromFlag(*file)
	if err != nil {
		fmt.Fprintf(stderr, "driftd: %v\n", err)
		return ExitError
	}
	log := NewLogger(stderr, slog.LevelWarn)
	targets, err := cfg.selectTargets(*target)
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
		return ExitError
	}
	engine, err := NewEngine(ctx, cfg, log, EngineOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
		return ExitError
	}
	var report *Report
	if reconcile {
		runner, err := NewRunner(ctx, engine, log, RunnerOptions{})
		if err != nil {
			fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
			return ExitError
		}
		report = runner.ReconcileAll(ctx, targets, "cli")
	} else {
		report = engine.CheckAll(ctx, targets)
	}
	if *output == "json" {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: writing report: %v\n", name, err)
		return ExitError
	}
	return report.ExitCode()
}

// NewLogger logs JSON when w is not a terminal (a service's log collector)
// and text when a person is watching.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	if strings.EqualFold(os.Getenv("DRIFTD_LOG_FORMAT"), "text") {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// cmdHealthcheck probes a running daemon, for images without curl.
func cmdHealthcheck(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("healthcheck", stderr)
	u := fs.String("url", "http://127.0.0.1:8080/healthz", "URL to probe")
	if fs.Parse(args) != nil {
		return ExitError
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *u, nil)
	if err != nil {
		fmt.Fprintf(stderr, "driftd healthcheck: %v\n", err)
		return ExitError
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "driftd healthcheck: %v\n", err)
		return ExitError
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "driftd healthcheck: %s answered %s\n", *u, resp.Status)
		return ExitError
	}
	return ExitOK
}
