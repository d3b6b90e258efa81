package tfprovider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks/source"
)

const k8sResources = `resource "kubernetes_config_map_v1" "env" {
  metadata {
    name      = "wandb-env"
    namespace = "wandb"
  }
  data = { OIDC_ISSUER = "https://acme.okta.com" }
}

resource "kubernetes_deployment" "app" {
  metadata {
    name      = "wandb-app"
    namespace = "wandb"
  }
  spec {
    selector {
      match_labels = { app = "wandb" }
    }
    template {
      metadata {
        labels = { app = "wandb" }
      }
      spec {
        container {
          name  = "app"
          image = "wandb/local"
          env {
            name  = "OIDC_ISSUER"
            value = "https://acme.okta.com"
          }
        }
      }
    }
  }
}

resource "helm_release" "wandb" {
  name      = "wandb"
  chart     = "operator-wandb"
  namespace = "wandb"
  values    = ["global:\n  host: https://wandb.example\n"]
  set = [{ name = "global.extraEnv.GORILLA_CORS_ORIGINS", value = "https://wandb.example\\,null" }]
}
`

// TestKubernetesAndHelmStandInsPlanLikeTheRealProviders: the ForceNew
// attributes of hashicorp/kubernetes and hashicorp/helm replace, the
// env-carrying ones update in place, and a config map's data is the dotenv
// file driftd reads.
func TestKubernetesAndHelmStandInsPlanLikeTheRealProviders(t *testing.T) {
	w := newWorkspace(t, k8sResources)
	w.apply()
	t.Run("the config map is written where driftd reads it", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(w.k8sDir, "wandb", "wandb-env.env"))
		if err != nil {
			t.Fatal(err)
		}
		if env, err := source.ParseDotenv(string(b)); err != nil || env["OIDC_ISSUER"] != "https://acme.okta.com" {
			t.Fatalf("env file %q: %v, %v", b, env, err)
		}
	})
	t.Run("the namespace defaults to default and the uid is filled", func(t *testing.T) {
		md := w.state("kubernetes_deployment.app")["metadata"].([]any)[0].(map[string]any)
		if md["uid"] == "" || md["generation"] == nil {
			t.Fatalf("metadata: %v", md)
		}
		if got := w.state("helm_release.wandb")["status"]; got != "deployed" {
			t.Fatalf("release status %v", got)
		}
	})
	t.Run("the applied configuration plans no change", func(t *testing.T) {
		for addr, rc := range w.plan() {
			if action(rc) != "no-op" {
				t.Errorf("%s: %s", addr, action(rc))
			}
		}
	})
	steps := []struct{ name, from, to, address, want string }{
		{"config map data is an update in place", `data = { OIDC_ISSUER = "https://acme.okta.com" }`, `data = { OIDC_ISSUER = "https://acme.okta.com/oauth2/default" }`, "kubernetes_config_map_v1.env", "update"},
		{"a config map in another namespace is a new one", `namespace = "wandb"
  }
  data`, `namespace = "other"
  }
  data`, "kubernetes_config_map_v1.env", "replace"},
		{"a container env value is an update in place", `value = "https://acme.okta.com"`, `value = "https://acme.okta.com/oauth2/default"`, "kubernetes_deployment.app", "update"},
		{"another selector replaces the deployment", `match_labels = { app = "wandb" }`, `match_labels = { app = "other" }`, "kubernetes_deployment.app", "replace"},
		{"another deployment name replaces it", `name      = "wandb-app"`, `name      = "wandb-api"`, "kubernetes_deployment.app", "replace"},
		{"a helm set value is an update in place", `null" }]`, `null,https://x.example" }]`, "helm_release.wandb", "update"},
		{"helm values are an update in place", `host: https://wandb.example`, `host: https://wandb.example.com`, "helm_release.wandb", "update"},
		{"another release name replaces it", `name      = "wandb"
  chart`, `name      = "wandb2"
  chart`, "helm_release.wandb", "replace"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if !strings.Contains(k8sResources, s.from) {
				t.Fatalf("the fixture has no %q", s.from)
			}
			w.write("main.tf", strings.Replace(k8sResources, s.from, s.to, 1))
			if got := action(w.plan()[s.address]); got != s.want {
				t.Fatalf("%s: %s, want %s", s.address, got, s.want)
			}
		})
	}
}

// TestConfigMapImmutableDataChangeReplaces is the real CustomizeDiff: an
// immutable config map whose data changes is recreated.
func TestConfigMapImmutableDataChangeReplaces(t *testing.T) {
	cm := `resource "kubernetes_config_map" "env" {
  metadata {
    name = "wandb-env"
  }
  immutable = true
  data = { A = "1" }
}
`
	w := newWorkspace(t, cm)
	w.apply()
	if got := w.state("kubernetes_config_map.env")["metadata"].([]any)[0].(map[string]any)["namespace"]; got != "default" {
		t.Fatalf("namespace %v, want the real default \"default\"", got)
	}
	w.write("main.tf", strings.Replace(cm, `A = "1"`, `A = "2"`, 1))
	if got := action(w.plan()["kubernetes_config_map.env"]); got != "replace" {
		t.Fatalf("plan: %s, want replace", got)
	}
}

// TestKubernetesAndHelmStandInsRefuseWhatTheRealOnesRefuse at validate.
func TestKubernetesAndHelmStandInsRefuseWhatTheRealOnesRefuse(t *testing.T) {
	w := newWorkspace(t, "")
	for _, tc := range []struct{ name, body, message string }{
		{"a config map without metadata is refused", `resource "kubernetes_config_map" "x" {
  data = { A = "1" }
}`, "Insufficient metadata blocks"},
		{"a config map with two metadata blocks is refused", `resource "kubernetes_config_map_v1" "x" {
  metadata {
    name = "a"
  }
  metadata {
    name = "b"
  }
}`, "Too many metadata blocks"},
		{"a deployment without a template is refused", `resource "kubernetes_deployment_v1" "x" {
  metadata {
    name = "a"
  }
  spec {
  }
}`, "Insufficient template blocks"},
		{"a container without a name is refused", `resource "kubernetes_deployment_v1" "x" {
  metadata {
    name = "a"
  }
  spec {
    template {
      metadata {}
      spec {
        container {
          image = "x"
        }
      }
    }
  }
}`, `The argument "name" is required`},
		{"a helm set type outside auto, string, literal is refused", `resource "helm_release" "x" {
  name  = "a"
  chart = "c"
  set   = [{ name = "a", value = "b", type = "json" }]
}`, `value must be one of: ["auto" "string" "literal"], got: "json"`},
		{"a helm release without a chart is refused", `resource "helm_release" "x" {
  name = "a"
}`, `The argument "chart" is required`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.write("main.tf", tc.body)
			out, code := w.run("validate", "-no-color")
			if code == 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), tc.message) {
				t.Fatalf("validate exited %d, want %q:\n%s", code, tc.message, out)
			}
		})
	}
}
