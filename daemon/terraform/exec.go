package terraform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/driftd/driftd/checks/source"
)

// Timeouts bound each Terraform command: a provider that never answers
// must not hold its target (and every later reconcile) forever.
type Timeouts struct {
	Init, Plan, Show, Apply time.Duration
}

// DefaultTimeouts are the bounds without remediation.terraform.timeout.
var DefaultTimeouts = Timeouts{Init: 2 * time.Minute, Plan: 10 * time.Minute, Show: 2 * time.Minute, Apply: 10 * time.Minute}

// TimeoutsFor returns the bounds for a target: remediation.terraform.timeout
// bounds plan and apply, and init and show too when it is shorter than theirs.
func TimeoutsFor(limit time.Duration) Timeouts {
	t := DefaultTimeouts
	if limit <= 0 {
		return t
	}
	t.Plan, t.Apply = limit, limit
	t.Init, t.Show = min(t.Init, limit), min(t.Show, limit)
	return t
}

// killGrace is how long Terraform gets after SIGINT to stop cleanly (and
// release its state lock) before its whole process group is killed.
const killGrace = 5 * time.Second

// stderrKept bounds how much of Terraform's stderr an error quotes.
const stderrKept = 4 << 10

// run runs one Terraform command in dir, bounded by limit, in a process
// group of its own. When ctx ends or the limit passes, the group gets
// SIGINT, then SIGKILL after killGrace; whatever of the group is left when
// Terraform exits (a provider it started) is killed too, so nothing
// outlives the call. The arguments mirror terraform-exec v0.26.0
// (tfexec/init.go, plan.go, apply.go, show.go), which cannot signal a
// process group: it interrupts Terraform alone.
func (tf *Terraform) run(ctx context.Context, dir string, env map[string]string, limit time.Duration, args ...string) ([]byte, error) {
	// exec names the binary when the directory is missing ("fork/exec
	// /usr/local/bin/terraform: no such file or directory"): name the directory.
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("terraform %s: the working directory %s (remediation.terraform.dir) does not exist or is not a directory", args[0], dir)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir = dir
	cmd.Env = tf.env(env)
	cmd.SysProcAttr = processAttr()
	var stdout bytes.Buffer
	stderr := &tail{max: stderrKept}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	// After the grace Go kills Terraform and stops waiting for the pipes a
	// left-behind child may still hold.
	cmd.WaitDelay = killGrace
	started, err := tf.startAndWait(cmd)
	if !started {
		return nil, fmt.Errorf("starting terraform %s in %s: %w", args[0], dir, err)
	}
	if errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState.Success() {
		err = nil // Terraform succeeded; a child it left holding the pipes is killed above
	}
	if ctx.Err() != nil {
		why := fmt.Sprintf("did not finish within %s", limit)
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			why = "was stopped (driftd is shutting down)"
		}
		return nil, fmt.Errorf("terraform %s in %s %s; its process group was killed%s", args[0], dir, why, stderr.quote())
	}
	if err != nil {
		return stdout.Bytes(), &ExitError{Command: args[0], Dir: dir, Code: cmd.ProcessState.ExitCode(), Stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

// startAndWait starts cmd and waits for it on a goroutine locked to its OS
// thread: the kernel's parent-death signal follows the thread that forked
// (processAttr), and a locked thread lives until it is unlocked. The
// process group is recorded while it runs, and killed when Terraform ends.
func (tf *Terraform) startAndWait(cmd *exec.Cmd) (started bool, err error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err = cmd.Start(); err != nil {
			return
		}
		started = true
		forget := tf.recordRun(cmd.Process.Pid)
		err = cmd.Wait()
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		forget()
	}()
	<-done
	return started, err
}

// ExitError is a Terraform command that exited non-zero.
type ExitError struct {
	Command, Dir string
	Code         int
	Stderr       string
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("terraform %s in %s exited %d%s", e.Command, e.Dir, e.Code, (&tail{b: []byte(e.Stderr)}).quote())
}

// env is the environment Terraform runs with: of driftd's own only what
// running Terraform needs (Inherited), then the target's
// remediation.terraform.env, which carries Terraform's own credential;
// never driftd's read token, Slack's or the API's. It is cleaned as
// terraform-exec's CleanEnv does (no TF_LOG, TF_CLI_ARGS, TF_VAR_ or
// TF_WORKSPACE that would change what a command does), with a shared plugin
// cache.
func (tf *Terraform) env(extra map[string]string) []string {
	env := source.TerraformEnvMap(extra)
	// A shared plugin cache saves re-downloading providers per directory;
	// TF_CLI_CONFIG_FILE is inherited, so the user's mirrors and overrides apply.
	if _, ok := env["TF_PLUGIN_CACHE_DIR"]; !ok {
		cache := filepath.Join(tf.stateDir, "plugin-cache")
		if err := os.MkdirAll(cache, 0o700); err == nil {
			env["TF_PLUGIN_CACHE_DIR"] = cache
		}
	}
	env["CHECKPOINT_DISABLE"] = "1"
	env["TF_IN_AUTOMATION"] = "1"
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// Inherited says whether Terraform gets a variable of driftd's environment:
// PATH, HOME, TMPDIR, the proxy variables (either case) and TF_*.
// It is the rule the terraform env source's `terraform show` follows too.
func Inherited(name string) bool { return source.TerraformInherits(name) }

// tail keeps the last max bytes written to it.
type tail struct {
	b   []byte
	max int
	cut bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b, t.cut = append([]byte(nil), t.b[len(t.b)-t.max:]...), true
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// quote is the kept stderr as the end of an error message.
func (t *tail) quote() string {
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	if t.cut {
		s = "…" + s
	}
	return ":\n" + s
}
