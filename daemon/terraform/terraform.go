package terraform

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/terraform-config-inspect/tfconfig"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Terraform runs plans and applies of saved plans in working directories.
// A lock per directory keeps two Terraform runs in one directory from
// overlapping; Terraform's own state lock (with lock_timeout) guards against
// everyone else.
type Terraform struct {
	bin      string
	stateDir string
	log      *slog.Logger

	mu    sync.Mutex
	dirs  map[string]*sync.Mutex
	inits map[string]bool
}

// NewTerraform finds the terraform binary.
func NewTerraform(stateDir string, log *slog.Logger) (*Terraform, error) {
	bin, err := source.FindTerraform()
	if err != nil {
		return nil, err
	}
	return &Terraform{bin: bin, stateDir: stateDir, log: log, dirs: map[string]*sync.Mutex{}, inits: map[string]bool{}}, nil
}

func (tf *Terraform) dirLock(dir string) *sync.Mutex {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	m, ok := tf.dirs[dir]
	if !ok {
		m = &sync.Mutex{}
		tf.dirs[dir] = m
	}
	return m
}

// init runs `terraform init` once per directory per process.
func (tf *Terraform) init(ctx context.Context, dir string, env map[string]string, limits Timeouts) error {
	tf.mu.Lock()
	done := tf.inits[dir]
	tf.mu.Unlock()
	if done {
		return nil
	}
	if _, err := tf.run(ctx, dir, env, limits.Init, "init", "-no-color", "-input=false", "-backend=true", "-get=true", "-upgrade=false"); err != nil {
		return err
	}
	tf.mu.Lock()
	tf.inits[dir] = true
	tf.mu.Unlock()
	return nil
}

// SavedPlan is a plan file driftd made and may later apply, exactly.
type SavedPlan struct {
	ID        string    `json:"id"`
	Target    string    `json:"target"`
	Dir       string    `json:"dir"`
	File      string    `json:"file"`
	VarFile   string    `json:"var_file"`
	CreatedAt time.Time `json:"created_at"`
	// Observation fingerprints the world the plan was made against; an
	// apply is refused when the world has changed since.
	Observation string              `json:"observation"`
	Summary     *report.PlanSummary `json:"summary"`
	HasChanges  bool                `json:"has_changes"`
	plan        *tfjson.Plan
}

// Plan writes the desired values as a var file, plans to a file under
// state_dir and reads the plan back. Both files are private (0600 in a
// 0700 directory) and removed again unless the plan is returned with
// changes to apply; Discard removes them once the plan is done with.
func (tf *Terraform) Plan(ctx context.Context, t *config.Target, res *report.TargetResult) (*SavedPlan, error) {
	dir := t.Remedy.Terraform.Dir
	limits := TimeoutsFor(time.Duration(t.Remedy.Terraform.Timeout))
	lock := tf.dirLock(dir)
	lock.Lock()
	defer lock.Unlock()
	env := t.Remedy.Terraform.RevealEnv()
	if err := tf.init(ctx, dir, env, limits); err != nil {
		return nil, err
	}
	vars, err := planVars(dir, t, res)
	if err != nil {
		return nil, err
	}
	sp := &SavedPlan{ID: newPlanID(), Target: t.Name, Dir: dir, CreatedAt: time.Now().UTC(), Observation: Fingerprint(res.Observed)}
	pdir := filepath.Join(tf.stateDir, "plans", t.Name)
	if err := os.MkdirAll(pdir, 0o700); err != nil {
		return nil, fmt.Errorf("creating plan directory: %w", err)
	}
	sp.VarFile = filepath.Join(pdir, sp.ID+".tfvars.json")
	sp.File = filepath.Join(pdir, sp.ID+".tfplan")
	ok := false
	defer func() {
		if !ok || !sp.HasChanges {
			sp.Discard()
		}
	}()
	data, _ := json.MarshalIndent(vars, "", "  ")
	if err := os.WriteFile(sp.VarFile, data, 0o600); err != nil {
		return nil, fmt.Errorf("writing var file: %w", err)
	}
	lockTimeout := time.Duration(t.Remedy.Terraform.LockTimeout).String()
	_, err = tf.run(ctx, dir, env, limits.Plan, "plan", "-no-color", "-input=false", "-detailed-exitcode",
		"-lock-timeout="+lockTimeout, "-out="+sp.File, "-var-file="+sp.VarFile)
	var exit *ExitError
	if errors.As(err, &exit) && exit.Code == 2 {
		sp.HasChanges, err = true, nil // -detailed-exitcode: 2 is "succeeded, with changes"
	}
	if err != nil {
		return nil, err
	}
	// Terraform writes the plan with the process umask (0644 commonly).
	if err := os.Chmod(sp.File, 0o600); err != nil {
		return nil, fmt.Errorf("making plan %s private: %w", sp.File, err)
	}
	out, err := tf.run(ctx, dir, env, limits.Show, "show", "-json", "-no-color", sp.File)
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", sp.File, err)
	}
	var p tfjson.Plan
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading plan %s: terraform show printed no plan: %w", sp.File, err)
	}
	sp.Summary, sp.plan, ok = summarize(&p), &p, true
	return sp, nil
}

// Discard removes a plan's files; a plan is discarded once applied,
// refused, expired or not kept for approval, since its var file holds env
// values and the plan holds the values it would set.
func (sp *SavedPlan) Discard() {
	for _, f := range []string{sp.File, sp.VarFile} {
		if f != "" {
			_ = os.Remove(f)
		}
	}
}

// SweepPlans removes plan files older than ttl: plans kept for an approval
// that never came, or left by a driftd that stopped.
func (tf *Terraform) SweepPlans(now time.Time, ttl time.Duration) {
	files, _ := filepath.Glob(filepath.Join(tf.stateDir, "plans", "*", "*"))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() && now.Sub(fi.ModTime()) > ttl {
			_ = os.Remove(f)
		}
	}
}

// Apply applies exactly the saved plan file, never a fresh plan.
func (tf *Terraform) Apply(ctx context.Context, t *config.Target, sp *SavedPlan) error {
	lock := tf.dirLock(sp.Dir)
	lock.Lock()
	defer lock.Unlock()
	limits := TimeoutsFor(time.Duration(t.Remedy.Terraform.Timeout))
	lockTimeout := time.Duration(t.Remedy.Terraform.LockTimeout).String()
	if _, err := tf.run(ctx, sp.Dir, t.Remedy.Terraform.RevealEnv(), limits.Apply, "apply", "-no-color", "-auto-approve", "-input=false", "-lock-timeout="+lockTimeout, sp.File); err != nil {
		return fmt.Errorf("terraform apply of plan %s: %w", sp.ID, err)
	}
	return nil
}

func newPlanID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// planVars maps desired values to the Terraform variables the root module
// declares. A map variable addressed as VAR.KEY is merged: its current value
// (default, terraform.tfvars, *.auto.tfvars) is kept and only KEY is set.
func planVars(dir string, t *config.Target, res *report.TargetResult) (map[string]any, error) {
	mod, diags := tfconfig.LoadModule(dir)
	if diags.HasErrors() {
		return nil, fmt.Errorf("reading the variables of %s: %w", dir, diags.Err())
	}
	d := t.Desired()
	d.Groups = t.Okta.Groups
	out := map[string]any{}
	names := make([]string, 0, len(t.Remedy.Terraform.Vars))
	for k := range t.Remedy.Terraform.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		value := desiredValue(d, t.Remedy.Terraform.Vars[name], res)
		varName, key, isMapKey := strings.Cut(name, ".")
		v, declared := mod.Variables[varName]
		if !declared {
			continue
		}
		if !isMapKey {
			out[varName] = value
			continue
		}
		m, ok := out[varName].(map[string]string)
		if !ok {
			cur, err := currentMapValue(dir, v)
			if err != nil {
				return nil, err
			}
			m = cur
		}
		switch x := value.(type) {
		case []string:
			m[key] = strings.Join(x, ",")
		default:
			m[key] = fmt.Sprint(x)
		}
		out[varName] = m
	}
	return out, nil
}

func desiredValue(d *checks.Desired, name string, res *report.TargetResult) any {
	if v, ok := signInValue(d, name, res); ok {
		return v
	}
	switch name {
	case "oidc.client_id":
		return d.ClientID
	case "oidc.issuer":
		return d.Issuer
	case "oidc.auth_method":
		return string(d.AuthMethod)
	case "wandb.url":
		return d.WandbURL
	case "redirect_uris":
		return d.RedirectURIs
	case "post_logout_redirect_uris":
		return d.PostLogoutRedirectURIs
	case "grant_types":
		return d.GrantTypes
	case "cors_origins":
		return corsValue(d, res)
	}
	return nil
}

// corsValue keeps the origins W&B already allows and adds the missing ones,
// so fixing "null" never drops someone's extra origin.
func corsValue(d *checks.Desired, res *report.TargetResult) []string {
	var actual []string
	if res != nil && res.Observed != nil && res.Observed.Env != nil {
		raw, _ := res.Observed.Env.Lookup(checks.EnvCORSOrigins)
		actual = checks.ParseOriginList(raw)
	}
	out := append([]string(nil), actual...)
	for _, want := range d.CORSOrigins {
		found := false
		for _, have := range actual {
			if checks.NormalizeURI(have) == checks.NormalizeURI(want) {
				found = true
			}
		}
		if !found {
			out = append(out, want)
		}
	}
	return out
}

// currentMapValue is what Terraform would use for a map variable without
// driftd: its default overlaid by terraform.tfvars and *.auto.tfvars.
func currentMapValue(dir string, v *tfconfig.Variable) (map[string]string, error) {
	out := map[string]string{}
	if m, ok := v.Default.(map[string]any); ok {
		for k, val := range m {
			out[k] = fmt.Sprint(val)
		}
	}
	files := []string{filepath.Join(dir, "terraform.tfvars"), filepath.Join(dir, "terraform.tfvars.json")}
	auto, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars"))
	autoJSON, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars.json"))
	all := append(auto, autoJSON...)
	sort.Strings(all)
	files = append(files, all...)
	p := hclparse.NewParser()
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(f, ".json") {
			file, diags = p.ParseJSONFile(f)
		} else {
			file, diags = p.ParseHCLFile(f)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("reading %s: %s", f, diags.Error())
		}
		attrs, diags := file.Body.JustAttributes()
		if diags.HasErrors() {
			return nil, fmt.Errorf("reading %s: %s", f, diags.Error())
		}
		a, ok := attrs[v.Name]
		if !ok {
			continue
		}
		val, diags := a.Expr.Value(nil)
		if diags.HasErrors() || !(val.Type().IsObjectType() || val.Type().IsMapType()) {
			return nil, fmt.Errorf("reading %s from %s: not a map", v.Name, f)
		}
		out = map[string]string{}
		for k, e := range val.AsValueMap() {
			if e.Type() == cty.String && e.IsKnown() && !e.IsNull() {
				out[k] = e.AsString()
			}
		}
	}
	return out, nil
}
