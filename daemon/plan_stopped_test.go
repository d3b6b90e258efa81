package daemon

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/daemon/store"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// A plan stopped because its run was (driftd shutting down) is not a
// Terraform failure: it starts no backoff, which would outlive the restart,
// and is not reported as "Terraform failed".
func TestAPlanStoppedWithItsRunIsNoTerraformFailure(t *testing.T) {
	t.Setenv("DRIFTD_TERRAFORM", fixture.Terraform(t))
	f := fixture.New(t, "prod")
	work := filepath.Join(f.Dir, "tf")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte("variable \"redirect_uris\" {\n  type = list(string)\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.WriteConfig(strings.Replace(f.Body, "    oidc: {", "    remediation:\n      mode: apply\n      terraform: {dir: ./tf, allow: [\"*\"]}\n    oidc: {", 1))
	if err := f.Sim.UpdateApp("0oaprod", func(a *oktasim.App) {
		a.Settings.OAuthClient.RedirectURIs = []string{"https://prod.wandb.test/callback"}
	}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.OpenStore(cfg.StateDir, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := NewEngine(t.Context(), cfg, log, EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(t.Context(), e, log, RunnerOptions{Backoff: s})
	if err != nil {
		t.Fatal(err)
	}
	tg := &cfg.Targets[0]
	res := e.CheckTarget(t.Context(), tg)
	if res.Status != report.StatusDrift || !anyFixable(&res) {
		t.Fatalf("want a fixable drift to plan for, got %s %+v", res.Status, res.Findings)
	}
	stopped, stop := context.WithCancel(t.Context())
	stop() // the run is stopped: Terraform cannot even start
	rem := r.remediate(stopped, tg, &res, log)
	if rem.Action != report.ActionSkipped || rem.Failures != 0 || rem.Error != "" {
		t.Errorf("remediation of a stopped run = %+v, want skipped with no failure", rem)
	}
	if saved, err := s.Backoffs(); err != nil || saved["prod"].Failures != 0 {
		t.Errorf("a stopped plan left a backoff for the next driftd: %+v (%v)", saved["prod"], err)
	}
	// A plan that fails by itself still counts.
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte("this is not HCL {"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rem := r.remediate(t.Context(), tg, &res, log); rem.Action != report.ActionFailed || rem.Failures != 1 {
		t.Errorf("remediation with a broken module = %+v, want failed, attempt 1", rem)
	}
}
