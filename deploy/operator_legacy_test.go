package deploy_test

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestOperatorV2LegacyOverridesEnvIsOwnedWhole holds the premise on which
// deploy/terraform/operator leaves spec.wandb.legacyOverrides alone under
// operator_api = "v2" (daemon/terraform NoChangesReason says why): in the
// operator's real CRD, on a real API server, an application's env there is
// an atomic list, so a server-side apply of the one CORS entry by its own
// field manager is refused without force and, with it, takes the whole
// list and drops every other entry. Should the operator make that list a
// map keyed by name, this fails, and the module could own one entry.
func TestOperatorV2LegacyOverridesEnvIsOwnedWhole(t *testing.T) {
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	must(t)(cs.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wandb"}}, metav1.CreateOptions{}))
	dyn, cr := operatorV2(t, srv)
	// The operator's conversion copies v1 extraEnv here verbatim
	// (api/v1/weightsandbiases_conversion_overrides.go mapLegacyOverrides),
	// literal passwords included.
	env := []any{
		map[string]any{"name": "GORILLA_CORS_ORIGINS", "value": "https://wandb.acme.com,null"},
		map[string]any{"name": "LOCAL_RESTORE", "value": "false"},
		map[string]any{"name": "GORILLA_CUSTOMER_SECRET_STORE_SOURCE", "value": "k8s-secretmanager://wandb-secret"},
	}
	if err := unstructured.SetNestedSlice(cr.Object, env, "spec", "wandb", "legacyOverrides", "api", "env"); err != nil {
		t.Fatal(err)
	}
	res := dyn.Resource(source.WeightsAndBiasesV2).Namespace("wandb")
	must(t)(res.Apply(t.Context(), "wandb", cr, metav1.ApplyOptions{FieldManager: "conversion"}))

	cors := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps.wandb.com/v2", "kind": "WeightsAndBiases",
		"metadata": map[string]any{"name": "wandb"}}}
	one := []any{map[string]any{"name": "GORILLA_CORS_ORIGINS", "value": "https://wandb.acme.com,https://notebooks.acme.com,null"}}
	if err := unstructured.SetNestedSlice(cors.Object, one, "spec", "wandb", "legacyOverrides", "api", "env"); err != nil {
		t.Fatal(err)
	}
	_, err := res.Apply(t.Context(), "wandb", cors, metav1.ApplyOptions{FieldManager: "driftd"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), ".spec.wandb.legacyOverrides.api.env") {
		t.Errorf("applying one entry without force: err = %v, want a conflict over the whole env list", err)
	}
	got, err := res.Apply(t.Context(), "wandb", cors, metav1.ApplyOptions{FieldManager: "driftd", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	left, _, _ := unstructured.NestedSlice(got.Object, "spec", "wandb", "legacyOverrides", "api", "env")
	if len(left) != 1 {
		t.Errorf("after a forced apply of one entry the env holds %d entries, want the one applied (the list is atomic)", len(left))
	}
}
