package tfprovider

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/oktasim"
	"github.com/driftd/driftd/internal/tfprovider/providerenv"
)

// requireTerraform and providerMirror are the shared set-up of every
// Terraform test: the binary .ci/run builds and the test provider as a
// filesystem mirror (okta/okta, hashicorp/kubernetes, hashicorp/helm).
func requireTerraform(t *testing.T) string { return fixture.Terraform(t) }

func providerMirror(t *testing.T) string {
	return filepath.Join(fixture.ProviderMirror(t), "cli.tfrc")
}

// workspace is a Terraform working directory wired to the test provider,
// an Okta simulator and a directory standing in for the cluster.
type workspace struct {
	t      *testing.T
	bin    string
	dir    string
	k8sDir string
	env    []string
	okta   *oktasim.Server
}

const providersTF = `terraform {
  required_providers {
    okta       = { source = "okta/okta" }
    kubernetes = { source = "hashicorp/kubernetes" }
    helm       = { source = "hashicorp/helm" }
  }
}
`

// newWorkspace starts an Okta simulator, writes main.tf (beside the
// required providers) and runs init.
func newWorkspace(t *testing.T, mainTF string) *workspace {
	t.Helper()
	return newWorkspaceFiles(t, map[string]string{"providers.tf": providersTF, "main.tf": mainTF})
}

// newWorkspaceFiles is newWorkspace with the given files.
func newWorkspaceFiles(t *testing.T, files map[string]string) *workspace {
	t.Helper()
	bin := requireTerraform(t)
	cli := providerMirror(t)
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	w := &workspace{t: t, bin: bin, dir: t.TempDir(), k8sDir: t.TempDir(), okta: sim}
	w.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_PLUGIN_CACHE_DIR=",
		providerenv.OktaURL+"="+sim.URL, providerenv.OktaToken+"="+sim.Token, providerenv.K8sDir+"="+w.k8sDir)
	for name, body := range files {
		w.write(name, body)
	}
	w.must("init", "-input=false", "-no-color")
	return w
}

func (w *workspace) write(name, body string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(body), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// run runs terraform and returns its combined output and exit code.
func (w *workspace) run(args ...string) (string, int) {
	w.t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), ee.ExitCode()
	}
	if err != nil {
		w.t.Fatalf("running terraform %v: %v", args, err)
	}
	return out.String(), 0
}

func (w *workspace) must(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
	}
	return out
}

func (w *workspace) apply() {
	w.t.Helper()
	w.must("apply", "-auto-approve", "-input=false", "-no-color")
}

// plan saves a plan of main.tf and returns its resource changes by address.
func (w *workspace) plan() map[string]*tfjson.ResourceChange {
	w.t.Helper()
	w.must("plan", "-input=false", "-no-color", "-out=tf.plan")
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(w.must("show", "-json", "tf.plan")), &p); err != nil {
		w.t.Fatalf("decoding the plan: %v", err)
	}
	out := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		out[rc.Address] = rc
	}
	return out
}

// state returns the attributes of a resource in the state.
func (w *workspace) state(address string) map[string]any {
	w.t.Helper()
	var s tfjson.State
	if err := json.Unmarshal([]byte(w.must("show", "-json")), &s); err != nil {
		w.t.Fatalf("decoding the state: %v", err)
	}
	if s.Values != nil {
		for _, r := range s.Values.RootModule.Resources {
			if r.Address == address {
				return r.AttributeValues
			}
		}
	}
	w.t.Fatalf("%s is not in the state", address)
	return nil
}

// action names what a plan does to a resource: no-op, update, create,
// delete or replace.
func action(rc *tfjson.ResourceChange) string {
	if rc == nil {
		return "absent"
	}
	switch a := rc.Change.Actions; {
	case a.Replace():
		return "replace"
	case a.Update():
		return "update"
	case a.Create():
		return "create"
	case a.Delete():
		return "delete"
	default:
		return "no-op"
	}
}
