package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"golang.org/x/term"
)

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

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("driftd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// configOnly parses a command whose only flag is --config and loads it.
func configOnly(name string, args []string, stderr io.Writer) (*config.Config, bool) {
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
	fmt.Fprintf(stdout, "%s: valid (%s)\n", cfg.Path, report.Plural(len(cfg.Targets), "target"))
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stdout, "  warning: %s\n", w)
	}
	return ExitOK
}

func loadFromFlag(file string) (*config.Config, error) {
	if file == "" {
		return nil, errors.New("--config is required")
	}
	return config.LoadConfig(file)
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
	targets, err := cfg.Select(*target)
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
		return ExitError
	}
	engine, err := daemon.NewEngine(ctx, cfg, log, daemon.EngineOptions{})
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
		return ExitError
	}
	var rep *report.Report
	if reconcile {
		st, err := openStateDir(cfg, log)
		if err != nil {
			fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
			return ExitError
		}
		defer st.Close()
		runner, err := daemon.NewRunner(ctx, engine, log, daemon.RunnerOptions{Backoff: st})
		if err != nil {
			fmt.Fprintf(stderr, "driftd %s: %v\n", name, err)
			return ExitError
		}
		rep = runner.ReconcileAll(ctx, targets, "cli")
	} else {
		rep = engine.CheckAll(ctx, targets)
	}
	if *output == "json" {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "driftd %s: writing report: %v\n", name, err)
		return ExitError
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

// NewLogger logs JSON when w is not a terminal (a service's log collector)
// and text when a person is watching.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: readableDurations}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	if strings.EqualFold(os.Getenv("DRIFTD_LOG_FORMAT"), "text") {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// readableDurations logs a duration as "1m0s", never as nanoseconds (the
// JSON handler's default).
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// cmdHealthcheck probes a running daemon, for images without curl.
func cmdHealthcheck(ctx context.Context, args []string, stderr io.Writer) int {
	fs := newFlags("healthcheck", stderr)
	// The image sets DRIFTD_HEALTHCHECK_URL, so a HEALTHCHECK follows the
	// port of server.listen without repeating it.
	def := "http://127.0.0.1:8080/healthz"
	if v := os.Getenv("DRIFTD_HEALTHCHECK_URL"); v != "" {
		def = v
	}
	u := fs.String("url", def, "URL to probe (default: $DRIFTD_HEALTHCHECK_URL, else http://127.0.0.1:8080/healthz)")
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
