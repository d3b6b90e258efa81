package deploy_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestKustomizationNeverShipsTheExampleSecret(t *testing.T) {
	k := docs(t, "kubernetes/kustomization.yaml")[0]
	for _, r := range k["resources"].([]any) {
		for _, d := range docs(t, "kubernetes/"+r.(string)) {
			if d["kind"] == "Secret" {
				t.Errorf("%s is a Secret: apply -k would overwrite the real credentials", r)
			}
		}
	}
	readme := string(mustRead(t, "kubernetes/README.md"))
	if !strings.Contains(readme, "cp deploy/kubernetes/secret.example.yaml") || !strings.Contains(readme, "kubectl apply -f driftd-secrets.yaml") {
		t.Error("the README does not say to edit and apply a copy of secret.example.yaml")
	}
}

func TestTheImageReferenceIsPullableAndDocumented(t *testing.T) {
	d := docs(t, "kubernetes/deployment.yaml")[0]
	image, _ := dig(d, "spec", "template", "spec", "containers", 0, "image").(string)
	k := docs(t, "kubernetes/kustomization.yaml")[0]
	name, _ := dig(k, "images", 0, "name").(string)
	t.Run("the Deployment names a registry image, not a local tag", func(t *testing.T) {
		if !strings.HasPrefix(image, "ghcr.io/") || !strings.HasPrefix(image, name+":") {
			t.Errorf("image %q, kustomization images[0].name %q", image, name)
		}
	})
	t.Run("the README shows how to build and push it", func(t *testing.T) {
		readme := string(mustRead(t, "kubernetes/README.md"))
		for _, cmd := range []string{"docker build -t " + name, "docker push " + name, "kustomize edit set image " + name} {
			if !strings.Contains(readme, cmd) {
				t.Errorf("README lacks %q", cmd)
			}
		}
	})
}

var digestRef = regexp.MustCompile(`^([a-z0-9./-]+):([A-Za-z0-9._-]+)@sha256:[0-9a-f]{64}$`)

func TestDockerfileLayersPinsAndHealthcheck(t *testing.T) {
	df := string(mustRead(t, "../Dockerfile"))
	lines := strings.Split(df, "\n")
	t.Run("Terraform is built before any source is copied", func(t *testing.T) {
		tf, src := strings.Index(df, "go install -trimpath github.com/hashicorp/terraform@"), strings.Index(df, "COPY . .")
		if tf < 0 || src < 0 || tf > src {
			t.Errorf("terraform install at %d, COPY . . at %d", tf, src)
		}
	})
	t.Run("every base image is pinned by digest with its tag in a comment", func(t *testing.T) {
		args := map[string]string{}
		for i, l := range lines {
			if name, ref, ok := strings.Cut(strings.TrimPrefix(l, "ARG "), "="); strings.HasPrefix(l, "ARG ") && ok {
				args["${"+name+"}"] = ref
				if m := digestRef.FindStringSubmatch(ref); m != nil && (i == 0 || lines[i-1] != "# "+m[1]+":"+m[2]) {
					t.Errorf("%s: the line above should be the comment %q", name, "# "+m[1]+":"+m[2])
				}
			}
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "FROM ") {
				continue
			}
			base := strings.Fields(l)[1]
			if r, ok := args[base]; ok {
				base = r
			}
			if base != "scratch" && !digestRef.MatchString(base) {
				t.Errorf("%q is not pinned by digest", l)
			}
		}
	})
	t.Run("the HEALTHCHECK reads its URL from the environment", func(t *testing.T) {
		hc := df[strings.Index(df, "\nHEALTHCHECK "):]
		hc = hc[:strings.Index(hc, "]")+1]
		if strings.Contains(hc, "8080") || strings.Contains(hc, "--url") || !strings.Contains(df, "DRIFTD_HEALTHCHECK_URL=") {
			t.Errorf("HEALTHCHECK %q should run `driftd healthcheck` with DRIFTD_HEALTHCHECK_URL set in ENV", hc)
		}
	})
}

func TestDockerignoreKeepsHistoryCredentialsAndStateOut(t *testing.T) {
	ignore := map[string]bool{}
	for _, l := range strings.Split(string(mustRead(t, "../.dockerignore")), "\n") {
		ignore[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{".git", "driftd.env", "**/driftd.env", "**/driftd-data", "**/.terraform", "**/*.tfstate", "cmd/driftd/driftd"} {
		if !ignore[want] {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
	for _, keep := range []string{"deploy", "go.mod", "go.sum", "cmd", "internal", "!deploy"} {
		if ignore[keep] {
			t.Errorf(".dockerignore drops %q, which the build needs", keep)
		}
	}
}

// TestTheImageShipsNoTerraformProvider: the image holds driftd, the
// programs it runs beside itself (driftd-helm-render, driftd-demo) and
// Terraform only; providers come from the registry or a mounted mirror
// (README, "Getting the providers"), never from a test provider.
func TestTheImageShipsNoTerraformProvider(t *testing.T) {
	df := string(mustRead(t, "../Dockerfile"))
	for _, l := range strings.Split(df, "\n") {
		if strings.HasPrefix(l, "COPY --from=") && strings.Contains(l, "provider") {
			t.Errorf("the image ships a provider: %s", l)
		}
	}
	if n := strings.Count(df, "go build"); n != 2 || !strings.Contains(df, "-o /out/ ./cmd/driftd ./cmd/driftd-helm-render") ||
		!strings.Contains(df, "-o /out/driftd-demo ./cmd/driftd\n") {
		t.Errorf("the Dockerfile runs go build %d times; want twice, for ./cmd/driftd and ./cmd/driftd-helm-render, then driftd-demo", n)
	}
	// driftd looks for driftd-helm-render and driftd-demo beside its own
	// executable.
	for _, bin := range []string{"driftd", "driftd-helm-render", "driftd-demo"} {
		if !strings.Contains(df, "COPY --from=build /out/"+bin+" /usr/local/bin/"+bin+"\n") {
			t.Errorf("the image must ship %s in /usr/local/bin", bin)
		}
	}
}
