package source

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// watchSynced reports whether the watch runs an informer for key that has
// its first list (the others may be refused).
func watchSynced(w *KubernetesWatch, key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.objs[key]
	return o != nil && o.informer.HasSynced()
}

// specActiveWorld is a v1 resource `wandb` and its `wandb-spec-active`
// without an app Deployment, with a later change for expectOnly (mark: an
// edit of the resource) and an edit of the Secret's values.
func specActiveWorld(t *testing.T) (k *kubeCluster, mark func(t *testing.T) []string, editSpecActive func(t *testing.T)) {
	k = startKube(t)
	k.srv.InstallCRDs(t, operatorCRDv1)
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	crs := dyn.Resource(WeightsAndBiasesV1).Namespace(kubeNS)
	k.must(t, "creating the v1 WeightsAndBiases resource", func(ctx context.Context) error {
		_, err := crs.Create(ctx, wandbCR(), metav1.CreateOptions{})
		return err
	})
	k.specActiveSecret(t, specActiveValues)
	// The later change: a new client id in the watched resource's values.
	marks := 0
	mark = func(t *testing.T) []string {
		marks++
		k.must(t, "editing the resource", func(ctx context.Context) error {
			u, err := crs.Get(ctx, "wandb", metav1.GetOptions{})
			if err == nil {
				_ = unstructured.SetNestedField(u.Object, fmt.Sprintf("0oa-mark-%d", marks), "spec", "values", "global", "auth", "oidc", "clientId")
				_, err = crs.Update(ctx, u, metav1.UpdateOptions{})
			}
			return err
		})
		return []string{"WeightsAndBiases/wandb"}
	}
	edits := 0
	editSpecActive = func(t *testing.T) {
		edits++
		k.must(t, "editing wandb-spec-active", func(ctx context.Context) error {
			s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-spec-active", metav1.GetOptions{})
			if err == nil {
				s.Data["values"] = []byte(fmt.Sprintf(`{"global":{"auth":{"oidc":{"clientId":"0oa-edit-%d"}}}}`, edits))
				_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
			}
			return err
		})
	}
	return k, mark, editSpecActive
}

// TestKubernetesWatchFollowsTheSpecActiveSecretWhileItIsTheObservation: a
// v1 resource (the operator's CRD before v2, on a real API server) without
// an app Deployment is observed through `<name>-spec-active`, so its edits
// trigger a run; once the app Deployment is there the Secret is no longer
// watched, and when it goes it is watched again. A Role without get on
// Deployments makes it the observation too.
func TestKubernetesWatchFollowsTheSpecActiveSecretWhileItIsTheObservation(t *testing.T) {
	k, mark, editSpecActive := specActiveWorld(t)
	const specActive = "Secret/wandb-spec-active"
	env := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	w, c := startWatch(t, env, time.Second, "WeightsAndBiases/wandb", "Deployment/api", "Deployment/wandb-app-bc", "Deployment/wandb-app", specActive)
	t.Run("no app Deployment: an edit of the applied values triggers a run", func(t *testing.T) {
		editSpecActive(t)
		expectOnly(t, c, mark, specActive)
	})
	t.Run("the app Deployment there: the Secret is no longer watched", func(t *testing.T) {
		k.configMap(t, "wandb-api-configmap", map[string]string{"GORILLA_OIDC_CLIENT_ID": "0oa1"})
		k.deployment(t, "wandb-app-bc", container("app", []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-api-configmap"}}}}))
		expectOnly(t, c, mark, "Deployment/wandb-app-bc")
		waitFor(t, watchGuard, "the Secret unwatched and the app's ConfigMap watched", func() bool {
			return !slices.Contains(w.Watching(), specActive) && slices.Contains(w.Watching(), "ConfigMap/wandb-api-configmap") && w.Synced()
		})
		editSpecActive(t)
		expectOnly(t, c, mark)
	})
	t.Run("the app Deployment gone: the Secret is watched again", func(t *testing.T) {
		k.must(t, "deleting deployment wandb-app-bc", func(ctx context.Context) error {
			return k.cs.AppsV1().Deployments(kubeNS).Delete(ctx, "wandb-app-bc", metav1.DeleteOptions{})
		})
		expectOnly(t, c, mark, "Deployment/wandb-app-bc")
		waitFor(t, watchGuard, "the watch of the Secret, and none of the gone app's ConfigMap", func() bool {
			return watchSynced(w, specActive) && !slices.Contains(w.Watching(), "ConfigMap/wandb-api-configmap")
		})
		editSpecActive(t)
		expectOnly(t, c, mark, specActive)
	})
	if errs := c.errors(); len(errs) > 0 {
		t.Errorf("watch errors: %v", errs)
	}
	t.Run("a Role without Deployments: the Secret is watched", func(t *testing.T) {
		cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd-nodeploy", Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"apps.wandb.com"}, Resources: []string{"weightsandbiases"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"wandb-spec-active"}, Verbs: []string{"get", "list", "watch"}},
		}})
		env := &KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
		c := &changes{}
		w := &KubernetesWatch{Env: env, Resync: time.Second, OnChange: c.on, OnError: c.failed}
		if err := w.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		waitFor(t, watchGuard, "the watch of the Secret and the resource", func() bool {
			return watchSynced(w, specActive) && watchSynced(w, "WeightsAndBiases/wandb")
		})
		editSpecActive(t)
		expectOnly(t, c, mark, specActive)
		if len(c.errors()) == 0 {
			t.Error("the refused Deployments were not reported")
		}
		// The reader reads the Secret: the refusal fails no run.
		if err := w.Err(); err != nil {
			t.Errorf("watch error %v", err)
		}
	})
}
