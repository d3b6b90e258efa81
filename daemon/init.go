package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/bootstrap"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// InitOutcome is what `driftd init` did.
type InitOutcome struct {
	// Report is the check of today's state through the written config.
	Report *report.Report
	// Written are the files created, in order; empty when today's state
	// failed a check and was not accepted.
	Written []string
}

// ErrInitExists is init refusing to write over an existing file.
var ErrInitExists = errors.New("init never writes over an existing file")

// Init reads a working install (bootstrap.Discover), renders the config
// and the Terraform module into a private staging directory, checks
// today's state through exactly that config with the engine `check` uses,
// and only then writes the files into outDir, each created new. A state
// that already fails a check is written only with acceptCurrent.
func Init(ctx context.Context, o bootstrap.Options, outDir string, acceptCurrent bool, log *slog.Logger) (*InitOutcome, error) {
	if err := refuseExisting(outDir); err != nil {
		return nil, err
	}
	in, err := bootstrap.Discover(ctx, o)
	if err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp("", "driftd-init-")
	if err != nil {
		return nil, fmt.Errorf("staging the files: %w", err)
	}
	defer os.RemoveAll(stage)
	files := renderInit(in, nil)
	if err := writeFiles(stage, files); err != nil {
		return nil, err
	}
	rep, err := checkStaged(ctx, filepath.Join(stage, bootstrap.ConfigFile), o.OktaToken, log)
	if err != nil {
		return nil, err
	}
	out := &InitOutcome{Report: rep}
	if code := rep.ExitCode(); code == 1 {
		return out, nil
	} else if code != 0 {
		if !acceptCurrent {
			return out, nil
		}
		files = renderInit(in, findingLines(rep))
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", outDir, err)
	}
	err = writeFiles(outDir, files)
	out.Written = slices.Sorted(maps.Keys(files))
	for i, f := range out.Written {
		out.Written[i] = filepath.Join(outDir, f)
	}
	return out, err
}

// renderInit is every file init writes, by path under its directory.
func renderInit(in *bootstrap.Install, findings []string) map[string][]byte {
	files := map[string][]byte{bootstrap.ConfigFile: in.Config(findings)}
	for name, data := range in.Module() {
		files[filepath.Join(bootstrap.ModuleDir, name)] = data
	}
	return files
}

// refuseExisting fails when any file init would write already exists.
func refuseExisting(outDir string) error {
	for _, p := range []string{bootstrap.ConfigFile, bootstrap.ModuleDir} {
		full := filepath.Join(outDir, p)
		if _, err := os.Lstat(full); err == nil {
			return fmt.Errorf("%s exists: %w; choose another --out", full, ErrInitExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("looking at %s: %w", full, err)
		}
	}
	return nil
}

// writeFiles creates each file new (O_EXCL): a file that appeared since
// refuseExisting looked is still never overwritten.
func writeFiles(dir string, files map[string][]byte) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", filepath.Dir(p), err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists: %w", p, ErrInitExists)
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		_, err = f.Write(files[name])
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	return nil
}

// checkStaged loads the staged config as `driftd validate` would, with
// the token in OKTA_API_TOKEN, and checks its one target.
func checkStaged(ctx context.Context, file, token string, log *slog.Logger) (*report.Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	lookup := func(k string) (string, bool) {
		if k == "OKTA_API_TOKEN" {
			return token, true
		}
		return os.LookupEnv(k)
	}
	cfg, err := config.ParseConfig(data, file, lookup)
	if err != nil {
		return nil, fmt.Errorf("the config init wrote does not validate (a bug in driftd init): %w", err)
	}
	engine, err := NewEngine(ctx, cfg, log, EngineOptions{})
	if err != nil {
		return nil, err
	}
	targets, err := cfg.Select("")
	if err != nil {
		return nil, err
	}
	return engine.CheckAll(ctx, targets), nil
}

// findingLines are the failing findings, one line each, for the comments
// of an accepted config.
func findingLines(rep *report.Report) []string {
	var out []string
	for _, t := range rep.Targets {
		for _, f := range t.Findings {
			if f.Severity == checks.SeverityError {
				out = append(out, fmt.Sprintf("%s: %s", f.Check, f.Message))
			}
		}
	}
	return out
}
