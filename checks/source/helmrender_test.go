package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// The real driftd-helm-render, built once per test process for the tests
// that read a helm_release, and named in DRIFTD_HELM_RENDER for the whole
// process (tests that need another value set it with t.Setenv).
var helmRender struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if helmRender.dir != "" {
		os.RemoveAll(helmRender.dir)
	}
	os.Exit(code)
}

func useHelmRender(t *testing.T) {
	t.Helper()
	helmRender.once.Do(func() {
		helmRender.dir, helmRender.err = os.MkdirTemp("", "driftd-helm-render-")
		if helmRender.err != nil {
			return
		}
		bin := filepath.Join(helmRender.dir, HelmRenderName)
		out, err := exec.Command("go", "build", "-o", bin, "github.com/driftd/driftd/cmd/driftd-helm-render").CombinedOutput()
		if err != nil {
			helmRender.err = fmt.Errorf("go build driftd-helm-render: %v\n%s", err, out)
			return
		}
		helmRender.err = os.Setenv("DRIFTD_HELM_RENDER", bin)
	})
	if helmRender.err != nil {
		t.Fatal(helmRender.err)
	}
}

// fakeHelmRender names a shell script as driftd-helm-render.
func fakeHelmRender(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, HelmRenderName)
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DRIFTD_HELM_RENDER", bin)
	return dir
}

func TestHelmRenderIsFoundByEnvThenBesideDriftdThenOnPath(t *testing.T) {
	named, beside, onPath := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{named, beside, onPath} {
		if err := os.WriteFile(filepath.Join(dir, HelmRenderName), []byte("#!/bin/sh\n"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	driftd := filepath.Join(beside, "driftd")
	t.Setenv("PATH", onPath)
	t.Setenv("DRIFTD_HELM_RENDER", filepath.Join(named, HelmRenderName))
	if got, err := HelmRender.Find(driftd); err != nil || got != filepath.Join(named, HelmRenderName) {
		t.Errorf("with DRIFTD_HELM_RENDER: %q, %v", got, err)
	}
	t.Setenv("DRIFTD_HELM_RENDER", "")
	if got, err := HelmRender.Find(driftd); err != nil || got != filepath.Join(beside, HelmRenderName) {
		t.Errorf("beside driftd: %q, %v", got, err)
	}
	if got, err := HelmRender.Find(filepath.Join(t.TempDir(), "driftd")); err != nil || got != filepath.Join(onPath, HelmRenderName) {
		t.Errorf("on PATH: %q, %v", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := HelmRender.Find(filepath.Join(t.TempDir(), "driftd")); !errors.Is(err, ErrCompanionNotFound) {
		t.Errorf("nowhere: %v, want ErrCompanionNotFound", err)
	}
	t.Setenv("DRIFTD_HELM_RENDER", filepath.Join(named, "nope"))
	_, err := HelmRender.Find(driftd)
	if err == nil || !strings.Contains(err.Error(), "DRIFTD_HELM_RENDER="+filepath.Join(named, "nope")) || errors.Is(err, ErrCompanionNotFound) {
		t.Errorf("a DRIFTD_HELM_RENDER that does not exist: %v, want an error naming it (not a not-found: the named file was looked for, and no other)", err)
	}
}

func TestAMissingHelmRenderIsAFailedReadThatSaysHowToInstallIt(t *testing.T) {
	t.Setenv("DRIFTD_HELM_RENDER", "")
	t.Setenv("PATH", t.TempDir())
	_, err := EnvFromState(context.Background(), stateOf(t), "", "helm_release.wandb")
	for _, want := range []string{"driftd-helm-render not found", "not on PATH", "install it", "DRIFTD_HELM_RENDER"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
}

func TestHelmRenderGetsValuesOnStdinAndNoArgumentsOrEnvironment(t *testing.T) {
	dir := fakeHelmRender(t, `{ echo "args $#"; /usr/bin/env; } > "$(/usr/bin/dirname "$0")/seen"; /bin/cat > "$(/usr/bin/dirname "$0")/stdin"; echo '{"protocol":2,"wandb_chart":true,"env":{"OIDC_CLIENT_ID":"x"}}'`)
	t.Setenv("DRIFTD_TEST_SECRET", "s3cret-in-env")
	st := stateOf(t)
	st.Values.RootModule.Resources[1].AttributeValues["set_sensitive"] = []any{map[string]any{"name": "global.auth.oidc.secret", "value": "s3cret-value"}}
	env, err := EnvFromState(context.Background(), st, "", "helm_release.wandb")
	if err != nil || env["OIDC_CLIENT_ID"] != "x" {
		t.Fatalf("env = %v, err = %v", env, err)
	}
	seen, _ := os.ReadFile(filepath.Join(dir, "seen"))
	// The shell adds PWD itself; nothing of driftd's environment may arrive.
	if !strings.HasPrefix(string(seen), "args 0\n") || strings.Contains(string(seen), "s3cret") || strings.Contains(string(seen), "PATH=") {
		t.Errorf("the helper got arguments or driftd's environment:\n%s", seen)
	}
	stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
	for _, want := range []string{`"protocol":2`, `"block":"set_sensitive"`, `"value":"s3cret-value"`, `"value":"pkce"`, `OIDC_ISSUER: https://acme.okta.com`} {
		if !strings.Contains(string(stdin), want) {
			t.Errorf("stdin %s lacks %s", stdin, want)
		}
	}
}

func TestAFailingHelmRenderIsABoundedFailedRead(t *testing.T) {
	defer func(d time.Duration, n int64) { helmRenderTimeout, maxHelmRenderBytes = d, n }(helmRenderTimeout, maxHelmRenderBytes)
	maxHelmRenderBytes = 1 << 20
	// Only the hanging helper meets a short timeout; for every other case
	// the timeout is a hang guard, so a loaded machine cannot turn an
	// answer into "did not finish". The endless answer (yes) ends only
	// because driftd stops it at the bound: with the guard it would be
	// "did not finish within 2m0s".
	for _, tc := range []struct {
		name, script, want string
		timeout            time.Duration
	}{
		{"its error is the helper's stderr", `echo 'applying helm release set "x": boom' >&2; exit 1`, `applying helm release set "x": boom`, 2 * time.Minute},
		{"a long stderr is cut", `/usr/bin/head -c 3000000 /dev/zero | /usr/bin/tr '\0' e >&2; exit 1`, "…(truncated)", 2 * time.Minute},
		{"a hanging helper is ended", `exec /bin/sleep 600`, "did not finish within 300ms", 300 * time.Millisecond},
		{"an endless answer is stopped at the bound", `exec /usr/bin/yes`, "wrote more than 1 MiB", 2 * time.Minute},
		{"an answer that is not JSON is refused", `echo nope`, "decoding the answer of", 2 * time.Minute},
		{"another protocol is refused", `echo '{"protocol":3,"wandb_chart":true}'`, "answered protocol 3, driftd speaks 2", 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			helmRenderTimeout = tc.timeout
			fakeHelmRender(t, tc.script)
			env, err := EnvFromState(context.Background(), stateOf(t), "", "helm_release.wandb")
			if err == nil || env != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("env = %v, err = %.300v; want an error saying %q", env, err, tc.want)
			}
			if !strings.Contains(err.Error(), "reading the helm release's values") {
				t.Errorf("err = %.300v, want it to say what was being read", err)
			}
			if len(err.Error()) > 2*MaxMessageBytes {
				t.Errorf("error message is %d bytes", len(err.Error()))
			}
		})
	}
}

// stateOf is stateJSON parsed: Resources[1] is helm_release.wandb.
func stateOf(t *testing.T) *tfjson.State {
	t.Helper()
	var st tfjson.State
	if err := json.Unmarshal([]byte(stateJSON), &st); err != nil {
		t.Fatal(err)
	}
	return &st
}
