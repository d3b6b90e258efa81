package deploy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"helm.sh/helm/v3/pkg/strvals"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/deploy"
	"github.com/driftd/driftd/internal/kubetest"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// specSet is the value of the release's `set` named spec, as applied.
func specSet(t *testing.T, w *workspace) string {
	t.Helper()
	for _, s := range asMaps(w.state("helm_release.wandb[0]")["set"]) {
		if s["name"] == "spec" {
			if s["type"] != "string" {
				t.Errorf("spec set type %v, want string", s["type"])
			}
			return fmt.Sprint(s["value"])
		}
	}
	t.Fatal("the release has no spec set")
	return ""
}

func asMaps(v any) []map[string]any {
	var out []map[string]any
	list, _ := v.([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// strvalsSpecEnv parses spec=VALUE the way Helm (and terraform-provider-helm
// for a set of type string) does, then reads the spec's YAML.
func strvalsSpecEnv(value string) (map[string]any, error) {
	dest := map[string]any{}
	if err := strvals.ParseIntoString("spec="+value, dest); err != nil {
		return nil, err
	}
	var spec map[string]any
	if err := yaml.Unmarshal([]byte(fmt.Sprint(dest["spec"])), &spec); err != nil {
		return nil, fmt.Errorf("the spec Helm got is not YAML: %w", err)
	}
	values, _ := spec["values"].(map[string]any)
	global, _ := values["global"].(map[string]any)
	env, _ := global["extraEnv"].(map[string]any)
	return env, nil
}

const operatorVars = `wandb_url      = "https://wandb.acme.test/"
oidc_client_id = "0oawandbclient"
oidc_issuer    = "https://acme.okta.test"
`

// TestOperatorModuleEscapesCORSOriginsForHelmSet: the operator example puts
// GORILLA_CORS_ORIGINS, joined with ",", into the spec it passes through a
// Helm `set`; the real helm provider installs W&B's wandb-cr chart with it
// on a real kube-apiserver, the WeightsAndBiases resource it creates holds
// every origin, Helm's strvals gets every origin back from the applied
// value while the unescaped text would be cut at the first comma, driftd's
// terraform env source reads the release back in sync, and a second plan is
// clean.
func TestOperatorModuleEscapesCORSOriginsForHelmSet(t *testing.T) {
	for _, tc := range []struct{ name, vars, cors string }{
		{"the default origins, the W&B URL and null", "", "https://wandb.acme.test,null"},
		{"origins from driftd's other_wandb_env mapping", `other_wandb_env = { GORILLA_CORS_ORIGINS = "https://wandb.acme.test,https://nb.acme.test,null" }`,
			"https://wandb.acme.test,https://nb.acme.test,null"},
		{"origins from cors_origins, one with a backslash that strvals would eat unescaped", `cors_origins = ["https://wandb.acme.test", "null", "https://a\\b.acme.test"]`,
			`https://wandb.acme.test,null,https://a\b.acme.test`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorkspace(t, deploy.TerraformOperator, "terraform/operator", operatorVars+tc.vars+"\n", wandbNamespace)
			w.apply()
			value := specSet(t, w)
			env, err := strvalsSpecEnv(value)
			if err != nil || env["GORILLA_CORS_ORIGINS"] != tc.cors {
				t.Fatalf("strvals read GORILLA_CORS_ORIGINS %q (%v), want %q", env["GORILLA_CORS_ORIGINS"], err, tc.cors)
			}
			unescaped := strings.NewReplacer(`\,`, `,`, `\\`, `\`).Replace(value)
			if env, err := strvalsSpecEnv(unescaped); err == nil && env["GORILLA_CORS_ORIGINS"] == tc.cors {
				t.Error("strvals read the unescaped spec whole: the escaping proves nothing")
			}
			// What the operator would read: the resource the chart made.
			dyn, err := dynamic.NewForConfig(w.kube.Config)
			if err != nil {
				t.Fatal(err)
			}
			cr, err := dyn.Resource(source.WeightsAndBiasesV1).Namespace(kubetest.WandbNamespace).Get(t.Context(), "wandb", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("reading the WeightsAndBiases resource the release made: %v", err)
			}
			cors, _, _ := unstructured.NestedString(cr.Object, "spec", "values", "global", "extraEnv", "GORILLA_CORS_ORIGINS")
			clientID, _, _ := unstructured.NestedString(cr.Object, "spec", "values", "global", "auth", "oidc", "clientId")
			if cors != tc.cors || clientID != "0oawandbclient" {
				t.Errorf("the WeightsAndBiases resource: GORILLA_CORS_ORIGINS %q, clientId %q", cors, clientID)
			}
			t.Setenv("DRIFTD_TERRAFORM", w.bin)
			got, err := (&source.TerraformEnv{Dir: w.dir, Address: "helm_release.wandb"}).Env(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got.Vars["GORILLA_CORS_ORIGINS"] != tc.cors || got.Vars["OIDC_CLIENT_ID"] != "0oawandbclient" {
				t.Errorf("driftd read %v", got.Vars)
			}
			d := &checks.Desired{CORSOrigins: checks.DefaultCORSOrigins("https://wandb.acme.test")}
			if fs := checks.WandbCORSOrigins(d, got); len(fs) != 0 {
				t.Errorf("driftd finds the CORS origins out of sync: %+v", fs)
			}
			w.planIsClean("after apply")
		})
	}
}
