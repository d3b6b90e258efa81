package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/driftd/driftd/daemon/config"
	"gopkg.in/yaml.v3"
)

func secretsEnv(name string) (string, bool) {
	switch name {
	case "OKTA_API_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DRIFTD_TOKEN":
		return "test-" + strings.ToLower(name), true
	}
	return "", false
}

func docs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var m map[string]any
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, m)
	}
	return out
}

func dig(m any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			mm, _ := m.(map[string]any)
			m = mm[k]
		case int:
			l, _ := m.([]any)
			if k >= len(l) {
				return nil
			}
			m = l[k]
		}
	}
	return m
}

func TestKustomizationListsFilesThatParse(t *testing.T) {
	k := docs(t, "kubernetes/kustomization.yaml")[0]
	for _, r := range k["resources"].([]any) {
		for _, d := range docs(t, filepath.Join("kubernetes", r.(string))) {
			if d["apiVersion"] == nil || d["kind"] == nil || dig(d, "metadata", "name") == nil {
				t.Errorf("%s: a manifest without apiVersion, kind or name", r)
			}
		}
	}
}

func TestConfigMapConfigPassesDriftdValidate(t *testing.T) {
	cm := docs(t, "kubernetes/configmap.yaml")[0]
	text := dig(cm, "data", "driftd.yaml").(string)
	cfg, err := config.ParseConfig([]byte(text), "/etc/driftd/driftd.yaml", secretsEnv)
	if err != nil {
		t.Fatal(err)
	}
	if env := cfg.Targets[0].Wandb.Env; cfg.StateDir != "/var/lib/driftd" || env.Source != "kubernetes" || env.Namespace != "wandb" || env.Deployment != "wandb-app-bc" {
		t.Errorf("state %s, env %+v", cfg.StateDir, env)
	}
	// Every secret the config names is in the Secret template.
	secret := docs(t, "kubernetes/secret.example.yaml")[0]
	for _, name := range []string{"OKTA_API_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DRIFTD_TOKEN"} {
		if strings.Contains(text, "${"+name+"}") && dig(secret, "stringData", name) == nil {
			t.Errorf("the config needs %s, the Secret template lacks it", name)
		}
	}
}

func TestDeploymentIsASingleRestrictedReplicaWithProbes(t *testing.T) {
	d := docs(t, "kubernetes/deployment.yaml")[0]
	if dig(d, "spec", "replicas") != 1 || dig(d, "spec", "strategy", "type") != "Recreate" {
		t.Error("want one replica, Recreate")
	}
	pod := dig(d, "spec", "template", "spec")
	c := dig(pod, "containers", 0)
	for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		if dig(c, probe, "httpGet", "path") != path {
			t.Errorf("%s is not on %s", probe, path)
		}
	}
	checks := map[string]any{
		"runAsNonRoot":             dig(pod, "securityContext", "runAsNonRoot"),
		"seccompProfile":           dig(pod, "securityContext", "seccompProfile", "type"),
		"allowPrivilegeEscalation": dig(c, "securityContext", "allowPrivilegeEscalation"),
		"readOnlyRootFilesystem":   dig(c, "securityContext", "readOnlyRootFilesystem"),
		"drop":                     dig(c, "securityContext", "capabilities", "drop", 0),
		"memory limit":             dig(c, "resources", "limits", "memory"),
	}
	want := map[string]any{"runAsNonRoot": true, "seccompProfile": "RuntimeDefault", "allowPrivilegeEscalation": false,
		"readOnlyRootFilesystem": true, "drop": "ALL", "memory limit": "256Mi"}
	for k, v := range want {
		if checks[k] != v {
			t.Errorf("%s = %v, want %v", k, checks[k], v)
		}
	}
	var mounts []string
	for _, m := range dig(c, "volumeMounts").([]any) {
		mounts = append(mounts, dig(m, "mountPath").(string))
	}
	for _, p := range []string{"/etc/driftd", "/var/lib/driftd", "/tmp"} {
		if !slices.Contains(mounts, p) {
			t.Errorf("no volume at %s", p)
		}
	}
}

func TestComposeFileRunsTheDaemonAndADemoProfile(t *testing.T) {
	c := docs(t, "../docker-compose.yml")[0]
	svc := dig(c, "services", "driftd")
	if dig(svc, "read_only") != true || dig(svc, "user") != "65532:65532" {
		t.Error("driftd service must be read-only and non-root")
	}
	if dig(c, "services", "demo", "profiles", 0) != "demo" {
		t.Error("no demo profile")
	}
	// The config the compose file mounts is valid, and its env file exists.
	cfg, err := config.ParseConfig(mustRead(t, "config/driftd.yaml"), "/etc/driftd/driftd.yaml", secretsEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Targets[0].Wandb.Env.Path != "/etc/driftd/wandb.env" {
		t.Errorf("env path %s does not match the compose mount", cfg.Targets[0].Wandb.Env.Path)
	}
	if _, err := os.Stat("config/wandb.env"); err != nil {
		t.Error(err)
	}
}

func TestDockerfileBuildsWhatCIBuilds(t *testing.T) {
	df := string(mustRead(t, "../Dockerfile"))
	ci := string(mustRead(t, "../.ci/run"))
	for _, want := range []string{"CGO_ENABLED=0 go build -trimpath", "terraform@v${TERRAFORM_VERSION}", "USER 65532:65532", "HEALTHCHECK", "ca-certificates.crt"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if !strings.Contains(ci, "CGO_ENABLED=0 go build -trimpath") || !strings.Contains(df, "ARG TERRAFORM_VERSION=1.5.7") || !strings.Contains(ci, "TF_VERSION=1.5.7") {
		t.Error("the Dockerfile and .ci/run must build driftd the same way and pin the same Terraform")
	}
	// The driftd the image runs holds no simulator: it is built without
	// tags, whatever the build args; driftd-demo, beside it, is the same
	// command with the demo tag, and .ci/run builds both the same way.
	for _, want := range []string{"go build -trimpath -tags= ", "-o /out/ ./cmd/driftd ./cmd/driftd-helm-render",
		"go build -trimpath -tags demo ", "-o /out/driftd-demo ./cmd/driftd", "COPY --from=build /out/driftd-demo /usr/local/bin/driftd-demo"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Contains(df, "TAGS") {
		t.Error("the Dockerfile reads a TAGS build arg: the driftd the image runs must be built without tags")
	}
	if !strings.Contains(ci, "go build -trimpath -tags demo ") || !strings.Contains(ci, `-o "$out/driftd-demo" ./cmd/driftd`) {
		t.Error(".ci/run must build driftd-demo as the Dockerfile does")
	}
}

func TestReadmeSetUpCommandsAreTheOnesCIRuns(t *testing.T) {
	readme := string(mustRead(t, "../README.md"))
	ci := string(mustRead(t, "../.ci/run"))
	for _, cmd := range []string{"go run -tags demo ./cmd/driftd demo", "bash .ci/run"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks the set-up command %q", cmd)
		}
	}
	// The demo runs once, through the production driftd, which runs
	// driftd-demo: cmd/driftd built with -tags demo, as `go run -tags demo
	// ./cmd/driftd` builds it.
	for _, cmd := range []string{"\nenv -u DRIFTD_DEMO timeout 600 \"$out/driftd\" demo\n", "go build -trimpath -tags demo ", "go test -race"} {
		if !strings.Contains(ci, cmd) {
			t.Errorf(".ci/run does not run %q", cmd)
		}
	}
	if n := strings.Count(ci, "\" demo\n") + strings.Count(ci, "\ngo run -tags demo ./cmd/driftd demo"); n != 1 {
		t.Errorf(".ci/run runs the demo %d times, want once", n)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
