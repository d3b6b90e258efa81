package source

import (
	"context"
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// operatorAppContainer is the app Deployment's W&B container
// (wandb/helm-charts charts/operator-wandb/values.yaml app.containers.app,
// rendered by charts/wandb-base/templates/_containers.tpl as `name: app`).
const operatorAppContainer = "app"

// OperatorAppDeployments are the names, newest chart first, of the app
// Deployment the W&B operator runs for the WeightsAndBiases resource
// named release:
//
//   - the operator installs the operator-wandb chart as a Helm release named
//     after the resource (wandb/operator pkg/wandb/spec/charts/local.go:
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
func OperatorAppDeployments(release string) []string {
	full := release + "-app"
	if strings.Contains(release, "app") {
		full = release
	}
	if len(full) > 63 {
		full = full[:63]
	}
	full = strings.TrimSuffix(full, "-")
	return []string{full + "-bc", full}
}

// operatorRollout observes, for wandb.rollout_pending, the app Deployment
// the operator runs for the resource: the ConfigMaps and Secrets its env
// reads against its pods' start times. nil when there is no app Deployment
// (app.install: false, or not rendered yet): there is nothing to compare.
func (k *KubernetesEnv) operatorRollout(ctx context.Context, r *kubeRead) (*checks.Rollout, error) {
	for _, name := range OperatorAppDeployments(k.WeightsAndBiases) {
		var d *appsv1.Deployment
		err := r.call(ctx, func(ctx context.Context) (err error) {
			d, err = r.cs.AppsV1().Deployments(r.ns).Get(ctx, name, metav1.GetOptions{})
			return err
		})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, r.apiError(err, "get", "deployments.apps", "deployment", name)
		}
		c, err := pickContainer(d, operatorAppContainer)
		if err != nil {
			if c, err = pickContainer(d, ""); err != nil {
				return nil, err
			}
		}
		refs := &envRefs{read: r}
		if _, err := refs.resolve(ctx, c); err != nil {
			return nil, fmt.Errorf("resolving the env of the operator's app deployment %s/%s container %s: %w", r.ns, d.Name, c.Name, err)
		}
		rollout, err := observeRollout(ctx, r, d, refs)
		if err != nil {
			return nil, err
		}
		rollout.ObservedAt = k.now()
		return rollout, nil
	}
	return nil, nil
}
