package deploy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/internal/kubetest"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// operatorAccess is what driftd asks of the API for the WeightsAndBiases
// target named wandb, as its reader and its watch ask it: get of each
// object, and list and watch narrowed to it by metadata.name (pods by
// label, their names being generated). want says whether an install must
// allow it.
var operatorAccess = []struct {
	gvr  schema.GroupVersionResource
	name string
	want bool
}{
	{source.WeightsAndBiasesV2, "wandb", true},
	{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "api", true},
	{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "wandb-app-bc", true},
	{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "wandb-app", true},
	{schema.GroupVersionResource{Version: "v1", Resource: "pods"}, "", true},
	{schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, source.SpecActiveSecret("wandb"), true},
	{schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, source.SpecActiveSecret("other"), false},
}

// probe asks for verb on name (every object of the resource when name is
// empty) in namespace ns: nil when allowed (a missing object is allowed),
// a Forbidden error when not, any other error as it came.
func probe(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, ns, name, verb string) error {
	ri := dyn.Resource(gvr).Namespace(ns)
	opts := metav1.ListOptions{}
	if name != "" {
		opts.FieldSelector = "metadata.name=" + name
	}
	switch verb {
	case "get":
		if name == "" {
			return nil
		}
		_, err := ri.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	case "list":
		_, err := ri.List(ctx, opts)
		return err
	default:
		w, err := ri.Watch(ctx, opts)
		if err == nil {
			w.Stop()
		}
		return err
	}
}

// serviceAccountDynamic is a dynamic client with a token of service
// account ns/name.
func serviceAccountDynamic(t *testing.T, srv *kubetest.Server, ns, name string) dynamic.Interface {
	t.Helper()
	cs := kubetest.Clientset(t, srv.Config)
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.AnonymousClientConfig(srv.Config)
	cfg.BearerToken = tr.Status.Token
	return dynamicFor(t, cfg)
}

func dynamicFor(t *testing.T, cfg *rest.Config) dynamic.Interface {
	t.Helper()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}

// TestKustomizeAndChartGrantAnOperatorTargetTheSameAccess installs, on a
// real API server beside the operator's CRD, deploy/kubernetes's
// ServiceAccount and Role in namespace wandb-ml and the chart with its
// sample values (whose target reads the WeightsAndBiases resource wandb in
// wandb-ml), then acts as each service account: both may get, list and
// watch what driftd reads and watches for that target, the
// `wandb-spec-active` Secret included, and neither another resource's
// spec-active Secret. The two installs diverging fails it.
func TestKustomizeAndChartGrantAnOperatorTargetTheSameAccess(t *testing.T) {
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	for _, ns := range []string{"wandb", "wandb-ml"} {
		must(t)(cs.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
	}
	srv.InstallCRDs(t, "../checks/source/testdata/operator/weightsandbiases-crd-v1-v2.yaml")
	installs := map[string]dynamic.Interface{"deploy/kubernetes": dynamicFor(t, applyRBACIn(t, srv, cs, "wandb-ml"))}
	applyChart(t, srv, "wandb", "helm/driftd/ci/sample-values.yaml")
	if t.Failed() {
		return
	}
	installs["the chart"] = serviceAccountDynamic(t, srv, "wandb", "driftd")
	for install, dyn := range installs {
		// RBAC reads new Roles through an informer: allow each install a
		// generous while, in all, to agree.
		deadline := time.Now().Add(time.Minute)
		for _, a := range operatorAccess {
			for _, verb := range []string{"get", "list", "watch"} {
				what := fmt.Sprintf("%s %s %s", verb, a.gvr.Resource, a.name)
				var err error
				for ; ; time.Sleep(100 * time.Millisecond) {
					err = probe(t.Context(), dyn, a.gvr, "wandb-ml", a.name, verb)
					if (err == nil) == a.want || time.Now().After(deadline) {
						break
					}
				}
				switch {
				case err != nil && !apierrors.IsForbidden(err):
					t.Errorf("%s: %s: %v", install, what, err)
				case (err == nil) != a.want:
					t.Errorf("%s: %s: want allowed=%v, got %v", install, what, a.want, err)
				}
			}
		}
	}
}
