package source

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// changes records what a watch reports.
type changes struct {
	mu   sync.Mutex
	got  []string
	errs []error
}

func (c *changes) on(kind, name string) {
	c.mu.Lock()
	c.got = append(c.got, kind+"/"+name)
	c.mu.Unlock()
}
func (c *changes) failed(err error) { c.mu.Lock(); c.errs = append(c.errs, err); c.mu.Unlock() }

// take returns the changes so far and forgets them.
func (c *changes) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.got
	c.got = nil
	return out
}

func (c *changes) errors() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errs)
}

// startWatch starts a watch of env and waits until it watches want.
func startWatch(t *testing.T, env *KubernetesEnv, resync time.Duration, want ...string) (*KubernetesWatch, *changes) {
	t.Helper()
	c := &changes{}
	w := &KubernetesWatch{Env: env, Resync: resync, OnChange: c.on, OnError: c.failed}
	if err := w.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	slices.Sort(want)
	waitFor(t, watchGuard, "the watch of "+strings.Join(want, ", "), func() bool {
		return slices.Equal(w.Watching(), want) && w.Synced()
	})
	return w, c
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// expectOnly waits for want, then makes a later change the watch reports
// (mark) and waits for it: the changes up to the mark's are exactly want.
// A quiet second proved nothing on a loaded machine; the mark's change
// seen reported is the event after which "nothing else" is judged.
func expectOnly(t *testing.T, c *changes, mark func(t *testing.T) []string, want ...string) {
	t.Helper()
	var got []string
	collect := func(n int) {
		waitFor(t, watchGuard, fmt.Sprintf("%d changes after %v", n, got), func() bool {
			got = append(got, c.take()...)
			return len(got) >= n
		})
	}
	collect(len(want))
	marked := mark(t)
	collect(len(want) + len(marked))
	if want := append(slices.Clone(want), marked...); !slices.Equal(got, want) {
		t.Errorf("changes %v, want exactly %v (the last %d the later mark's)", got, want, len(marked))
	}
}

// watchGuard bounds the waits for a watch: a hang guard, not a bound on
// speed.
const watchGuard = time.Minute

// markByPod is a later change for expectOnly: a new pod of the watched
// Deployment, which the pod watch reports twice (created, then started).
func (k *kubeCluster) markByPod() func(t *testing.T) []string {
	n := 0
	return func(t *testing.T) []string {
		n++
		k.pod(t, "wandb-app", fmt.Sprintf("mark-%d", n), time.Now())
		return []string{"Pods/app=wandb-app", "Pods/app=wandb-app"}
	}
}

// watchWorld is the W&B of the deployment target in namespace wandb, with
// another target's Deployment beside it and same-named objects in
// namespace elsewhere.
func watchWorld(t *testing.T) *kubeCluster {
	k := startKube(t)
	k.configMap(t, "wandb-env", map[string]string{"GORILLA_CORS_ORIGINS": "https://wandb.acme.com,null"})
	k.configMap(t, "wandb-extra", map[string]string{"issuer": "https://acme.okta.com"})
	k.configMap(t, "other-env", map[string]string{"OIDC_CLIENT_ID": "0oaother"})
	k.secret(t, "wandb-oidc", map[string]string{"client-id": "0oa1"})
	k.secret(t, "wandb-mysql", map[string]string{"password": "p"})
	k.deployment(t, "wandb-app", container("app",
		[]corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}}},
		corev1.EnvVar{Name: "OIDC_CLIENT_ID", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-oidc"}, Key: "client-id"}}},
		corev1.EnvVar{Name: "OIDC_ISSUER", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-extra"}, Key: "issuer"}}},
		// A Secret driftd does not check is neither read nor watched.
		corev1.EnvVar{Name: "MYSQL_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-mysql"}, Key: "password"}}},
		literal("OIDC_AUTH_METHOD", "pkce")))
	k.deployment(t, "other-app", container("app",
		[]corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "other-env"}}}}))
	k.must(t, "creating namespace elsewhere", func(ctx context.Context) error {
		if _, err := k.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere"}}, metav1.CreateOptions{}); err != nil {
			return err
		}
		_, err := k.cs.CoreV1().ConfigMaps("elsewhere").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"}}, metav1.CreateOptions{})
		return err
	})
	return k
}

// editDeployment changes the W&B Deployment's container as fn says.
func (k *kubeCluster) editDeployment(t *testing.T, name string, fn func(c *corev1.Container)) {
	t.Helper()
	k.must(t, "editing deployment "+name, func(ctx context.Context) error {
		d, err := k.cs.AppsV1().Deployments(kubeNS).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		fn(&d.Spec.Template.Spec.Containers[0])
		_, err = k.cs.AppsV1().Deployments(kubeNS).Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
}

func (k *kubeCluster) editConfigMap(t *testing.T, ns, name string) {
	t.Helper()
	k.must(t, "editing configmap "+ns+"/"+name, func(ctx context.Context) error {
		cm, err := k.cs.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		cm.Data = map[string]string{"GORILLA_CORS_ORIGINS": "https://evil.test", "at": time.Now().String()}
		_, err = k.cs.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{})
		return err
	})
}

// TestKubernetesWatchTriggersOnAnEditOfWhatTheEnvReads runs the watches
// against a real API server: each edit of an object the target's env reads
// is reported once, and nothing else is.
func TestKubernetesWatchTriggersOnAnEditOfWhatTheEnvReads(t *testing.T) {
	k := watchWorld(t)
	env := k.reader("wandb-app")
	w, c := startWatch(t, env, time.Second,
		"Deployment/wandb-app", "ConfigMap/wandb-env", "ConfigMap/wandb-extra", "Secret/wandb-oidc", "Pods/app=wandb-app")
	mark := k.markByPod()

	t.Run("a resync of unchanged objects triggers nothing", func(t *testing.T) {
		waitFor(t, watchGuard, "resyncs of every informer", func() bool { return w.replays.Load() >= 10 })
		expectOnly(t, c, mark)
	})
	t.Run("an edit of the Deployment's env triggers it", func(t *testing.T) {
		k.editDeployment(t, "wandb-app", func(c *corev1.Container) { c.Env[3].Value = "implicit" })
		expectOnly(t, c, mark, "Deployment/wandb-app")
	})
	t.Run("an edit of a ConfigMap the env reads triggers it", func(t *testing.T) {
		k.editConfigMap(t, kubeNS, "wandb-env")
		expectOnly(t, c, mark, "ConfigMap/wandb-env")
	})
	t.Run("an edit of a Secret the env reads triggers it", func(t *testing.T) {
		k.must(t, "editing the secret", func(ctx context.Context) error {
			s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-oidc", metav1.GetOptions{})
			if err != nil {
				return err
			}
			s.Data["client-id"] = []byte("0oa-someone-else")
			_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
			return err
		})
		expectOnly(t, c, mark, "Secret/wandb-oidc")
	})
	t.Run("a pod started for the Deployment triggers it", func(t *testing.T) {
		k.pod(t, "wandb-app", "wandb-app-1", time.Now())
		// Created (pending), then started by the "kubelet": two edits.
		expectOnly(t, c, mark, "Pods/app=wandb-app", "Pods/app=wandb-app")
	})
	t.Run("objects of another target or namespace trigger nothing", func(t *testing.T) {
		k.editConfigMap(t, kubeNS, "other-env")
		k.editConfigMap(t, "elsewhere", "wandb-env")
		k.editDeployment(t, "other-app", func(c *corev1.Container) { c.Env = append(c.Env, literal("X", "1")) })
		k.must(t, "editing the unchecked secret", func(ctx context.Context) error {
			s, err := k.cs.CoreV1().Secrets(kubeNS).Get(ctx, "wandb-mysql", metav1.GetOptions{})
			if err == nil {
				s.Data["password"] = []byte("q")
				_, err = k.cs.CoreV1().Secrets(kubeNS).Update(ctx, s, metav1.UpdateOptions{})
			}
			return err
		})
		expectOnly(t, c, mark)
	})
	t.Run("a ConfigMap the env stops reading is no longer watched", func(t *testing.T) {
		k.editDeployment(t, "wandb-app", func(c *corev1.Container) { c.Env[1] = literal("OIDC_ISSUER", "https://acme.okta.com") })
		expectOnly(t, c, mark, "Deployment/wandb-app")
		waitFor(t, watchGuard, "the informer of wandb-extra to stop", func() bool { return !slices.Contains(w.Watching(), "ConfigMap/wandb-extra") })
		k.editConfigMap(t, kubeNS, "wandb-extra")
		expectOnly(t, c, mark)
	})
	if errs := c.errors(); len(errs) > 0 {
		t.Errorf("watch errors: %v", errs)
	}
}

// TestKubernetesWatchTriggersOnAnEditOfTheResource watches the W&B
// operator's WeightsAndBiases resource with the dynamic client.
func TestKubernetesWatchTriggersOnAnEditOfTheResource(t *testing.T) {
	k := startKube(t)
	k.srv.InstallCRDs(t, filepath.Join("testdata", "chartenv", "weightsandbiases-crd.yaml"))
	dyn, err := dynamic.NewForConfig(k.srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	crs := dyn.Resource(WeightsAndBiasesV1).Namespace(kubeNS)
	for _, name := range []string{"wandb", "wandb-staging"} {
		cr := wandbCR()
		cr.SetName(name)
		k.must(t, "creating WeightsAndBiases "+name, func(ctx context.Context) error {
			_, err := crs.Create(ctx, cr, metav1.CreateOptions{})
			return err
		})
	}
	env := &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, WeightsAndBiases: "wandb", Timeout: 10 * time.Second}
	w, c := startWatch(t, env, time.Second, "WeightsAndBiases/wandb", "Deployment/api", "Deployment/wandb-app-bc", "Deployment/wandb-app")
	edit := func(name string, fn func(u *unstructured.Unstructured)) {
		k.must(t, "editing WeightsAndBiases "+name, func(ctx context.Context) error {
			u, err := crs.Get(ctx, name, metav1.GetOptions{})
			if err == nil {
				fn(u)
				_, err = crs.Update(ctx, u, metav1.UpdateOptions{})
			}
			return err
		})
	}
	setClientID := func(id string) func(u *unstructured.Unstructured) {
		return func(u *unstructured.Unstructured) {
			_ = unstructured.SetNestedField(u.Object, id, "spec", "values", "global", "auth", "oidc", "clientId")
		}
	}
	// The later change: a new client id in the watched resource's values.
	marks := 0
	mark := func(t *testing.T) []string {
		marks++
		edit("wandb", setClientID(fmt.Sprintf("0oa-mark-%d", marks)))
		return []string{"WeightsAndBiases/wandb"}
	}
	t.Run("an edit of the resource's values triggers it", func(t *testing.T) {
		edit("wandb", setClientID("0oa-someone-else"))
		expectOnly(t, c, mark, "WeightsAndBiases/wandb")
	})
	t.Run("a status update by the operator triggers nothing", func(t *testing.T) {
		k.must(t, "updating the status", func(ctx context.Context) error {
			u, err := crs.Get(ctx, "wandb", metav1.GetOptions{})
			if err == nil {
				_ = unstructured.SetNestedField(u.Object, "Completed", "status", "phase")
				_, err = crs.UpdateStatus(ctx, u, metav1.UpdateOptions{})
			}
			return err
		})
		expectOnly(t, c, mark)
	})
	t.Run("another target's resource triggers nothing", func(t *testing.T) {
		edit("wandb-staging", setClientID("0oa-x"))
		expectOnly(t, c, mark)
	})
	t.Run("the operator's app Deployment and a ConfigMap it reads trigger it", func(t *testing.T) {
		k.configMap(t, "wandb-local-configmap", map[string]string{"OIDC_CLIENT_ID": "0oa1"})
		k.deployment(t, "wandb-app-bc", container("app", []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-local-configmap"}}}}))
		expectOnly(t, c, mark, "Deployment/wandb-app-bc")
		waitFor(t, watchGuard, "the watch of the app's ConfigMap", func() bool {
			return slices.Contains(w.Watching(), "ConfigMap/wandb-local-configmap") && w.Synced()
		})
		k.editConfigMap(t, kubeNS, "wandb-local-configmap")
		expectOnly(t, c, mark, "ConfigMap/wandb-local-configmap")
	})
}

// TestKubernetesWatchWithTheShippedRole runs the watch as a ServiceAccount
// holding deploy/kubernetes/rbac.yaml's grants by resourceNames: the
// field-selected watches are allowed, and without watch the refusal is
// reported and kept until the watch opens.
func TestKubernetesWatchWithTheShippedRole(t *testing.T) {
	k := watchWorld(t)
	rules := func(verbs ...string) []rbacv1.PolicyRule {
		return []rbacv1.PolicyRule{
			{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"wandb-app"}, Verbs: verbs},
			{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"wandb-env", "wandb-extra"}, Verbs: verbs},
			{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"wandb-oidc"}, Verbs: verbs},
		}
	}
	watched := []string{"Deployment/wandb-app", "ConfigMap/wandb-env", "ConfigMap/wandb-extra", "Secret/wandb-oidc", "Pods/app=wandb-app"}
	t.Run("a Role granting by resourceNames allows the watches", func(t *testing.T) {
		cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd", Rules: rules("get", "list", "watch")})
		env := &KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, Deployment: "wandb-app"}
		w, c := startWatch(t, env, 0, watched...)
		mark := k.markByPod()
		k.editConfigMap(t, kubeNS, "wandb-env")
		expectOnly(t, c, mark, "ConfigMap/wandb-env")
		if err := w.Err(); err != nil || len(c.errors()) > 0 {
			t.Errorf("watch errors: %v %v", err, c.errors())
		}
	})
	t.Run("a Role without watch is reported, naming the permission", func(t *testing.T) {
		cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd-nowatch", Rules: rules("get", "list")})
		env := &KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, Deployment: "wandb-app"}
		c := &changes{}
		w := &KubernetesWatch{Env: env, OnChange: c.on, OnError: c.failed}
		if err := w.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		waitFor(t, watchGuard, "a watch error", func() bool { return w.Err() != nil && len(c.errors()) > 0 })
		msg := w.Err().Error()
		if !strings.Contains(msg, "watching Deployment wandb/wandb-app: driftd's service account lacks list and watch on deployments.apps") ||
			!strings.Contains(msg, "cannot watch") {
			t.Errorf("watch error %q", msg)
		}
	})
}
