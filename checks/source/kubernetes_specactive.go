package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/driftd/driftd/checks"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// errNoAppDeployment says the operator runs none of the app Deployments
// OperatorAppDeployments names.
var errNoAppDeployment = errors.New("the W&B operator runs no app deployment")

// SpecActiveSecret is the Secret in which the v1 W&B operator keeps the spec
// it last applied for the resource named name: after a successful apply the
// reconciler saves the merged spec (the resource's, the user's, the release
// channel's and the operator's defaults) with specManager.SetActive
// (wandb/operator before v2, internal/controller/weightsandbiases_controller.go
// at 63bc7266^), named by state.ActiveSpecName as `<name>-spec-active`
// (pkg/wandb/spec/state/versioning.go), in the resource's namespace, its
// data `values` the values as JSON, beside `chart` and `metadata`
// (pkg/wandb/spec/state/secrets/secrets.go write). The v2 operator's
// conversion prefers the same key over spec.values
// (api/v1/weightsandbiases_conversion.go resolveValues).
func SpecActiveSecret(name string) string { return name + "-spec-active" }

// appUnreadable says whether the app Deployment could not be read at all:
// there is none, or driftd may not get Deployments.
func appUnreadable(err error) bool {
	return errors.Is(err, errNoAppDeployment) || apierrors.IsForbidden(err)
}

// specActiveEnv is the observation of a v1 resource whose app Deployment is
// not there or not readable: the env the operator-wandb chart renders from
// the values the operator last applied. Without that Secret there is
// nothing to read: an error naming both, never drift. Only the checked keys
// are kept; the values hold the license and passwords, which never leave
// this function.
func (k *KubernetesEnv) specActiveEnv(ctx context.Context, r *kubeRead, where string, cr map[string]any, appErr error) (*checks.WandbEnv, error) {
	name := SpecActiveSecret(k.WeightsAndBiases)
	var data []byte
	err := r.call(ctx, func(ctx context.Context) error {
		s, err := r.cs.secrets(r.ns).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			data = s.Data["values"]
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w; nor could driftd read the values it last applied: %w", appErr, r.apiError(err, "get", "secrets", "secret", name))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%w; and secret %s/%s has no values key, so there are no applied values to read", appErr, r.ns, name)
	}
	values := map[string]any{}
	if err := json.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("secret %s/%s: its values key is not the JSON object the operator writes", r.ns, name)
	}
	env, err := OperatorValuesEnv(values)
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", r.ns, name, err)
	}
	vars := map[string]string{}
	for k, v := range env {
		if isCheckedKey(k) {
			vars[k] = v
		}
	}
	return &checks.WandbEnv{
		Source: "kubernetes:" + where + ":weightsandbiases/" + r.ns + "/" + k.WeightsAndBiases + "/secret/" + name,
		Vars:   vars,
		Where:  operatorWhere(WeightsAndBiasesV1, r.ns, k.WeightsAndBiases, cr, nil, nil),
	}, nil
}
