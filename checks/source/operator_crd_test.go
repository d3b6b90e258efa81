package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// readCRD parses a CRD from testdata/chartenv (sigs.k8s.io/yaml, as the
// API server's YAML reader).
func readCRD(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "chartenv", name))
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	return m
}

func TestMinimalCRDIsTheOperatorsV1Schema(t *testing.T) {
	crd := readCRD(t, "weightsandbiases-crd.yaml")
	for path, want := range map[string]any{
		"spec.group":        "apps.wandb.com",
		"spec.names.kind":   "WeightsAndBiases",
		"spec.names.plural": "weightsandbiases",
		"spec.scope":        "Namespaced",
	} {
		if got := dig(crd, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	versions, _ := dig(crd, "spec", "versions").([]any)
	if len(versions) != 1 {
		t.Fatalf("versions = %v, want only v1", versions)
	}
	v1, _ := versions[0].(map[string]any)
	values := dig(v1, "schema", "openAPIV3Schema", "properties", "spec", "properties", "values")
	if v1["name"] != "v1" || v1["storage"] != true || dig(values.(map[string]any), "x-kubernetes-preserve-unknown-fields") != true {
		t.Errorf("v1 = %v, want the stored v1 with spec.values preserving unknown fields", v1)
	}
}

// dig walks nested maps; nil when a step is missing or not a map.
func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}
