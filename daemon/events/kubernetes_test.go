package events

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/internal/kubetest"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// kubeTargets creates, on a real API server, a W&B Deployment reading a
// ConfigMap in namespace NAME for each target name.
func kubeTargets(t *testing.T, cs kubernetes.Interface, names ...string) {
	t.Helper()
	ctx := t.Context()
	for _, ns := range names {
		labels := map[string]string{"app": "wandb-app"}
		err := firstErr(
			func() error {
				_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
				return err
			},
			func() error {
				_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"},
					Data: map[string]string{"OIDC_CLIENT_ID": "0oa" + ns + "client"}}, metav1.CreateOptions{})
				return err
			},
			func() error {
				_, err := cs.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "wandb-app"},
					Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local",
							EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}}}}}},
					}}}, metav1.CreateOptions{})
				return err
			})
		if err != nil {
			t.Fatalf("creating the W&B of %s: %v", ns, err)
		}
	}
}

func firstErr(fns ...func() error) error {
	for _, fn := range fns {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

func editEnv(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "wandb-env", metav1.GetOptions{})
	if err == nil {
		cm.Data["OIDC_CLIENT_ID"] = "0oa-edited-" + time.Now().Format("150405.000")
		_, err = cs.CoreV1().ConfigMaps(ns).Update(t.Context(), cm, metav1.UpdateOptions{})
	}
	if err != nil {
		t.Fatalf("editing %s/wandb-env: %v", ns, err)
	}
}

// kubeConfig is a config whose targets read their env from the Deployment
// in the namespace of their name.
func kubeConfig(kubeconfig string, watch bool, names ...string) *config.Config {
	cfg := &config.Config{Kubernetes: config.KubernetesConfig{Watch: watch}, Concurrency: 4}
	for _, n := range names {
		cfg.Targets = append(cfg.Targets, config.Target{Name: n, Wandb: config.WandbConfig{Env: config.EnvSource{
			Source: "kubernetes", Kubeconfig: kubeconfig, Namespace: n, Deployment: "wandb-app"}}})
	}
	return cfg
}

func waitSynced(t *testing.T, k *KubeWatches, names ...string) {
	t.Helper()
	eventually(t, "the watches of "+strings.Join(names, ", "), func() bool {
		for _, n := range names {
			w := k.Watch(n)
			if w == nil || len(w.Watching()) < 3 || !w.Synced() {
				return false
			}
		}
		return true
	})
}

// TestKubernetesWatchesRunTheEditedTarget runs the watches of two targets
// against a real API server and follows config reloads.
func TestKubernetesWatchesRunTheEditedTarget(t *testing.T) {
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	kubeTargets(t, cs, "prod", "staging")
	kubeconfig := kubetest.WriteKubeconfig(t, srv.Config)
	r, m := newRuns(), newRecMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q := NewQueue(ctx, r.run, 50*time.Millisecond, 4, m, quiet)
	k := NewKubeWatches(ctx, q, m, quiet)
	defer k.Stop()
	k.Retarget(kubeConfig(kubeconfig, true, "prod", "staging"))
	waitSynced(t, k, "prod", "staging")

	// Each "nothing else ran" is judged once a later edit's run is seen.
	t.Run("an edit of a ConfigMap a target's env reads runs that target only", func(t *testing.T) {
		editEnv(t, cs, "prod")
		eventually(t, "a run of prod", func() bool { return r.of("prod") == 1 })
		editEnv(t, cs, "staging") // the later edit
		eventually(t, "a run of staging", func() bool { return r.of("staging") == 1 })
		if r.of("prod") != 1 || m.count("kubernetes/queued") != 2 {
			t.Errorf("runs prod %d staging %d, events %v; want one run and one event each", r.of("prod"), r.of("staging"), m.events)
		}
	})
	t.Run("a reload without a target stops its watch", func(t *testing.T) {
		k.Retarget(kubeConfig(kubeconfig, true, "staging"))
		if k.Watch("prod") != nil {
			t.Fatal("prod is still watched")
		}
		editEnv(t, cs, "prod")
		editEnv(t, cs, "staging") // the later edit
		eventually(t, "a run of staging", func() bool { return r.of("staging") == 2 })
		if r.of("prod") != 1 || m.count("kubernetes/queued") != 3 {
			t.Errorf("%d runs of prod after it left the config, want the 1 before; events %v", r.of("prod"), m.events)
		}
	})
	t.Run("kubernetes.watch off stops every watch", func(t *testing.T) {
		k.Retarget(kubeConfig(kubeconfig, false, "staging"))
		if k.Watch("staging") != nil {
			t.Fatal("staging is still watched")
		}
		editEnv(t, cs, "staging")
		// The later edit: with the watch back on (an object's state when
		// a watch starts is no change), only this one runs staging.
		k.Retarget(kubeConfig(kubeconfig, true, "staging"))
		waitSynced(t, k, "staging")
		editEnv(t, cs, "staging")
		eventually(t, "a run of staging", func() bool { return r.of("staging") == 3 })
		if m.count("kubernetes/queued") != 4 {
			t.Errorf("events %v; want one more, for the edit made with the watch on", m.events)
		}
	})
	t.Run("a refused watch is counted and kept as the target's error", func(t *testing.T) {
		cfg := srv.ServiceAccountConfig(t, kubetest.Access{Namespace: "prod", Name: "driftd"})
		k.Retarget(kubeConfig(kubetest.WriteKubeconfig(t, cfg), true, "prod"))
		eventually(t, "the watch error", func() bool { return k.Err("prod") != nil && m.count("kubernetes/error") > 0 })
		if msg := k.Err("prod").Error(); !strings.Contains(msg, "lacks list and watch on deployments.apps in namespace prod") {
			t.Errorf("error %q", msg)
		}
		if k.Err("staging") != nil {
			t.Error("an unwatched target has a watch error")
		}
	})
}
