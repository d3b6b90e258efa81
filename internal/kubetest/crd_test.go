package kubetest

import (
	"os"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// widgetCRD is a minimal CustomResourceDefinition in the
// apiextensions.k8s.io/v1 form the API server requires (a structural
// schema per served version).
const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.driftd.test
spec:
  group: example.driftd.test
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`

// TestInstalledCRDsAreServedAndValidated installs a CRD from a file and
// checks the server both stores a valid object and rejects one that breaks
// the schema, which only a real API server does.
func TestInstalledCRDsAreServedAndValidated(t *testing.T) {
	srv := Start(t)
	path := filepath.Join(t.TempDir(), "widget.yaml")
	if err := os.WriteFile(path, []byte(widgetCRD), 0o644); err != nil {
		t.Fatal(err)
	}
	crds := srv.InstallCRDs(t, path)
	if len(crds) != 1 || crds[0].Name != "widgets.example.driftd.test" {
		t.Fatalf("installed %d CRDs", len(crds))
	}
	dyn, err := dynamic.NewForConfig(srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	widgets := dyn.Resource(schema.GroupVersionResource{Group: "example.driftd.test", Version: "v1", Resource: "widgets"}).Namespace("default")
	widget := func(size any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "example.driftd.test/v1", "kind": "Widget",
			"metadata": map[string]any{"name": "w"},
			"spec":     map[string]any{"size": size},
		}}
	}
	if _, err := widgets.Create(t.Context(), widget("large"), metav1.CreateOptions{}); err == nil {
		t.Errorf("a string where the schema says integer was accepted")
	}
	if _, err := widgets.Create(t.Context(), widget(int64(3)), metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating a valid Widget: %v", err)
	}
	got, err := widgets.Get(t.Context(), "w", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading the Widget back: %v", err)
	}
	if size, _, _ := unstructured.NestedInt64(got.Object, "spec", "size"); size != 3 {
		t.Errorf("the Widget came back with size %d, want 3", size)
	}
}
