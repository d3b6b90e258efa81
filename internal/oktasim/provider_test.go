package oktasim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
)

// realProvider runs the real terraform with the real okta provider
// (v6.12.0, from the mirror .ci/build-providers builds) in one working
// directory against a simulator.
type realProvider struct {
	t   *testing.T
	tf  string
	dir string
	env []string
	sim *oktasim.Server
}

func newRealProvider(t *testing.T, sim *oktasim.Server) *realProvider {
	rc := fixture.Providers(t)
	tf := fixture.Terraform(t)
	dir := t.TempDir()
	// Only what Terraform and the provider need: no OKTA_* of the caller's
	// shell can reach a real org.
	env := append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir(),
		"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"TF_DATA_DIR=" + filepath.Join(dir, ".terraform"),
	}, fixture.OktaProviderEnv(sim)...)
	return &realProvider{t: t, tf: tf, dir: dir, env: env, sim: sim}
}

// write replaces the working directory's configuration.
func (p *realProvider) write(config string) {
	p.t.Helper()
	if err := os.WriteFile(filepath.Join(p.dir, "main.tf"), []byte(config), 0o600); err != nil {
		p.t.Fatal(err)
	}
}

// run runs terraform and returns its exit code; any exit code not in ok
// fails the test with Terraform's output.
func (p *realProvider) run(ok []int, args ...string) (int, string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.tf, args...)
	cmd.Dir, cmd.Env = p.dir, p.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		p.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	for _, c := range ok {
		if c == code {
			return code, out.String()
		}
	}
	p.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out.String())
	return code, ""
}

func (p *realProvider) apply(vars ...string) {
	p.t.Helper()
	p.run([]int{0}, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
}

// planIsClean fails unless `terraform plan -detailed-exitcode` finds no
// change (exit 0; 2 means changes, and the plan is printed).
func (p *realProvider) planIsClean(what string, vars ...string) {
	p.t.Helper()
	code, out := p.run([]int{0, 2}, append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, vars...)...)
	if code != 0 {
		p.t.Fatalf("%s: the second plan is not clean:\n%s", what, out)
	}
}

// state returns `terraform show -json`'s values of the root module's
// resources, by address.
func (p *realProvider) state() map[string]map[string]any {
	p.t.Helper()
	_, out := p.run([]int{0}, "show", "-json", "-no-color")
	var st struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		p.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	res := map[string]map[string]any{}
	for _, r := range st.Values.RootModule.Resources {
		res[r.Address] = r.Values
	}
	return res
}
