package source

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// The W&B operator's custom resource in its two versions
// (wandb/operator config/crd/bases/apps.wandb.com_weightsandbiases.yaml):
// v2 is stored and typed, v1 (spec.chart, spec.values) is still served. A v2
// resource read as v1 holds only what the operator's conversion webhook
// stashed in annotations at migration, or nothing
// (api/v1/weightsandbiases_conversion.go, ConvertFrom), so driftd reads v2
// wherever it is served.
var (
	WeightsAndBiasesV1 = schema.GroupVersionResource{Group: "apps.wandb.com", Version: "v1", Resource: "weightsandbiases"}
	WeightsAndBiasesV2 = schema.GroupVersionResource{Group: "apps.wandb.com", Version: "v2", Resource: "weightsandbiases"}
)

// The v2 operator runs the W&B backend as the Application named after the
// server manifest's `api` application, whose controller makes a Deployment
// of the same name, un-prefixed, with a container `api`
// (wandb/operator internal/controller/reconciler/reconcile_v2.go: an
// Application per manifest application, named app.Name, owned by the
// WeightsAndBiases resource; internal/controller/application_controller.go
// reconcileDeployment: deployment.Name = app.Name, controller reference to
// the Application; hack/testing-manifests/server-manifest/*/manifest.yaml:
// applications.api, containers[0].name api, with the gorillaOnprem env
// GORILLA_OIDC_* from spec.wandb.oidc.*).
const (
	operatorV2App       = "api"
	operatorV2Container = "api"
)

// operatorAppContainer is the v1 app Deployment's W&B container
// (wandb/helm-charts charts/operator-wandb/values.yaml app.containers.app,
// rendered by charts/wandb-base/templates/_containers.tpl as `name: app`).
const operatorAppContainer = "app"

// OperatorAppDeployments are the names, in the order driftd looks for them,
// of the Deployment that runs the W&B backend for the WeightsAndBiases
// resource named release: first the v2 operator's `api` (taken only when an
// apps.wandb.com Application controls it), then the v1 operator's:
//
//   - the v1 operator installs the operator-wandb chart as a Helm release
//     named after the resource (wandb/operator pkg/wandb/spec/charts/local.go:
//     releaseName := wandb.GetName());
//   - the app is the wandb-base subchart under alias `app`
//     (charts/operator-wandb/Chart.yaml), whose Deployment is named
//     `wandb-base.fullname` + `-` + deploymentPostfix
//     (charts/wandb-base/templates/deployment.yaml, _helpers.tpl): fullname
//     is `<release>-app`, or the release name alone when it contains "app",
//     truncated to 63 characters without a trailing '-';
//   - operator-wandb 0.43.8 sets app.deploymentPostfix: "bc"
//     (charts/operator-wandb/values.yaml), and its app_rename_cleanup.yaml
//     hook deletes the older `<release>-app` once `<release>-app-bc` is
//     available; charts before that postfix name it `<release>-app`.
//
// The v2 operator deletes the v1 Deployments once its own are ready
// (internal/controller/reconciler/cleanup_legacy_v1.go), so during a
// migration both may run; the v2 one is what the resource now configures.
func OperatorAppDeployments(release string) []string {
	full := release + "-app"
	if strings.Contains(release, "app") {
		full = release
	}
	if len(full) > 63 {
		full = full[:63]
	}
	full = strings.TrimSuffix(full, "-")
	return []string{operatorV2App, full + "-bc", full}
}

// isOperatorV2App reports whether d is the v2 operator's backend
// Deployment: named `api` and controlled by an apps.wandb.com Application.
// Another `api` Deployment in the namespace is not W&B's.
func isOperatorV2App(d *appsv1.Deployment) bool {
	if d.Name != operatorV2App {
		return false
	}
	ref := metav1.GetControllerOf(d)
	return ref != nil && ref.Kind == "Application" && strings.HasPrefix(ref.APIVersion, "apps.wandb.com/")
}

// operatorContainer is the backend container of an operator's Deployment.
func operatorContainer(d *appsv1.Deployment) (*corev1.Container, error) {
	want := operatorAppContainer
	if isOperatorV2App(d) {
		want = operatorV2Container
	}
	c, err := pickContainer(d, want)
	if err != nil {
		return pickContainer(d, "")
	}
	return c, nil
}

// servedVersion is the WeightsAndBiases version to read: v2 when the API
// serves it, else v1. Discovery needs no grant beyond what every
// authenticated client has (the system:discovery ClusterRole).
func servedVersion(ctx context.Context, disco *kubeClient) (schema.GroupVersionResource, error) {
	var notServed []string
	for _, gvr := range []schema.GroupVersionResource{WeightsAndBiasesV2, WeightsAndBiasesV1} {
		list, err := disco.ServerResourcesForGroupVersion(ctx, gvr.GroupVersion().String())
		if apierrors.IsNotFound(err) {
			notServed = append(notServed, gvr.Version)
			continue
		}
		if err != nil {
			return schema.GroupVersionResource{}, fmt.Errorf("asking the API which versions of weightsandbiases.apps.wandb.com it serves: %w", err)
		}
		for _, res := range list.APIResources {
			if res.Name == gvr.Resource {
				return gvr, nil
			}
		}
		notServed = append(notServed, gvr.Version)
	}
	return schema.GroupVersionResource{}, fmt.Errorf("the API serves no weightsandbiases.apps.wandb.com (tried %s): is the W&B operator's CRD installed?", strings.Join(notServed, ", "))
}

// customResourceEnv reads what the W&B pods of a WeightsAndBiases resource
// run: the env of the backend Deployment the operator made for it, resolved
// as the kubelet resolves it; under v1, when that Deployment is not there or
// not readable, the values the operator last applied (specActiveEnv). The resource itself says where each OIDC
// setting is configured, which the findings name as the place to fix.
func (k *KubernetesEnv) customResourceEnv(ctx context.Context, r *kubeRead, dyn dynamic.Interface, where string) (*checks.WandbEnv, error) {
	name := k.WeightsAndBiases
	gvr, err := servedVersion(ctx, r.cs)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	err = r.call(ctx, func(ctx context.Context) error {
		u, err := dyn.Resource(gvr).Namespace(r.ns).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			obj = u.Object
		}
		return err
	})
	if err != nil {
		err = r.apiError(err, "get", "weightsandbiases.apps.wandb.com", "weightsandbiases", name)
		if apierrors.IsNotFound(errors.Unwrap(err)) {
			err = fmt.Errorf("%w (is the resource in namespace %s?)", err, r.ns)
		}
		return nil, err
	}
	d, c, err := k.operatorApp(ctx, r)
	if err != nil && gvr == WeightsAndBiasesV1 && appUnreadable(err) {
		return k.specActiveEnv(ctx, r, where, obj, err)
	}
	if err != nil {
		return nil, err
	}
	refs := &envRefs{read: r}
	vars, err := refs.resolve(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("resolving the env of the operator's app deployment %s/%s container %s: %w", r.ns, d.Name, c.Name, err)
	}
	rollout, err := observeRollout(ctx, r, d, refs)
	if err != nil {
		return nil, err
	}
	rollout.ObservedAt = k.now()
	return &checks.WandbEnv{
		Source:     "kubernetes:" + where + ":weightsandbiases/" + r.ns + "/" + name + "/deployment/" + d.Name + "/" + c.Name,
		Vars:       vars,
		Rollout:    rollout,
		Where:      operatorWhere(gvr, r.ns, name, obj, d, c),
		SecretKeys: operatorSecretKeys(gvr, r.ns, obj),
	}, nil
}

// operatorApp finds the Deployment running the W&B backend for the
// resource (OperatorAppDeployments) and its container. None is an error,
// never drift: the operator has not rendered the app (yet), or app.install
// is false, and there is no env to read.
func (k *KubernetesEnv) operatorApp(ctx context.Context, r *kubeRead) (*appsv1.Deployment, *corev1.Container, error) {
	names := OperatorAppDeployments(k.WeightsAndBiases)
	for _, name := range names {
		var d *appsv1.Deployment
		err := r.call(ctx, func(ctx context.Context) (err error) {
			d, err = r.cs.deployments(r.ns).Get(ctx, name, metav1.GetOptions{})
			return err
		})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, nil, r.apiError(err, "get", "deployments.apps", "deployment", name)
		}
		if name == operatorV2App && !isOperatorV2App(d) {
			continue
		}
		c, err := operatorContainer(d)
		if err != nil {
			return nil, nil, err
		}
		return d, c, nil
	}
	return nil, nil, fmt.Errorf("%w for weightsandbiases %s/%s (looked for %s): there is no env to read until it does", errNoAppDeployment, r.ns, k.WeightsAndBiases, strings.Join(names, ", "))
}
