package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/deploy"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	"github.com/driftd/driftd/internal/oktasim"
)

// workspace is a Terraform working directory run with the real okta,
// kubernetes and helm providers from .ci/build-providers' mirror: okta
// against an Okta simulator, kubernetes and helm against a real
// kube-apiserver (started only for workspaces that need one).
type workspace struct {
	t    *testing.T
	bin  string
	dir  string
	env  []string
	okta *oktasim.Server
	kube *kubetest.Server
	// kubeconfig names kube, for driftd's Kubernetes source.
	kubeconfig string
}

// Clusters for newWorkspace: W&B's Deployment reading the ConfigMap
// wandb-env (deploy/terraform), or W&B's namespace alone (an operator
// install, where the operator runs W&B).
var (
	wandbApp       = (*kubetest.Server).WandbApp
	wandbNamespace = (*kubetest.Server).CreateWandbNamespace
)

// newWorkspace copies the module embedded at root in module into a fresh
// directory with tfvars and runs terraform init. With a cluster, a
// kube-apiserver set up by it is started for the kubernetes and helm
// providers.
func newWorkspace(t *testing.T, module fs.FS, root, tfvars string, cluster func(*kubetest.Server, testing.TB)) *workspace {
	t.Helper()
	return newWorkspaceWith(t, func(dir string) error {
		sub, err := fs.Sub(module, root)
		if err != nil {
			return err
		}
		return os.CopyFS(dir, sub)
	}, tfvars, cluster)
}

// oktaWorkspace is deploy/terraform's Okta side alone (no wandb_env.tf),
// with the given terraform.tfvars: no cluster is needed.
func oktaWorkspace(t *testing.T, tfvars string) *workspace {
	t.Helper()
	return newWorkspaceWith(t, func(dir string) error { return example.Copy(dir, false) }, tfvars, nil)
}

// newWorkspaceWith is newWorkspace with the module written by copyModule.
func newWorkspaceWith(t *testing.T, copyModule func(dir string) error, tfvars string, cluster func(*kubetest.Server, testing.TB)) *workspace {
	t.Helper()
	w := &workspace{t: t, bin: fixture.Terraform(t), dir: t.TempDir()}
	providers := fixture.Providers(t)
	sim, err := oktasim.Start(oktasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	w.okta = sim
	helm := t.TempDir()
	w.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+providers, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"HELM_CACHE_HOME="+filepath.Join(helm, "cache"), "HELM_CONFIG_HOME="+filepath.Join(helm, "config"), "HELM_DATA_HOME="+filepath.Join(helm, "data"))
	for k, v := range example.OktaProviderEnv(sim.URL, sim.Token) {
		w.env = append(w.env, k+"="+v)
	}
	if cluster != nil {
		w.kube = kubetest.Start(t)
		cluster(w.kube, t)
		w.kubeconfig = kubetest.WriteKubeconfig(t, w.kube.Config)
		w.env = append(w.env, "KUBE_CONFIG_PATH="+w.kubeconfig)
	}
	if err := copyModule(w.dir); err != nil {
		t.Fatal(err)
	}
	w.write("terraform.tfvars", tfvars)
	w.must("init", "-input=false", "-no-color")
	return w
}

// deployWorkspace is deploy/terraform with the given terraform.tfvars,
// against a kube-apiserver.
func deployWorkspace(t *testing.T, tfvars string) *workspace {
	t.Helper()
	return newWorkspace(t, deploy.Terraform, "terraform", tfvars, wandbApp)
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
	ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.WaitDelay = 10 * time.Second
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

// plan saves a plan and returns its resource changes by address.
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

// planIsClean fails the test for every resource a fresh plan would change;
// an import alone is no change.
func (w *workspace) planIsClean(when string) {
	w.t.Helper()
	for addr, rc := range w.plan() {
		if a := action(rc); a != "no-op" {
			w.t.Errorf("%s, %s plans %s: %s", when, addr, a, changed(rc))
		}
	}
}

// changed names the attributes a change sets, for a failure message.
func changed(rc *tfjson.ResourceChange) string {
	before, _ := rc.Change.Before.(map[string]any)
	after, _ := rc.Change.After.(map[string]any)
	var out []string
	for k, v := range after {
		b, _ := json.Marshal(before[k])
		a, _ := json.Marshal(v)
		if !bytes.Equal(a, b) {
			out = append(out, k+": "+string(b)+" -> "+string(a))
		}
	}
	return strings.Join(out, "; ")
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
