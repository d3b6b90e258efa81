package source

import (
	"context"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/kubetest"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const kubeNS = "wandb"

// kubeCluster is a real API server with W&B's objects in namespace wandb.
type kubeCluster struct {
	srv        *kubetest.Server
	cs         *kubernetes.Clientset
	kubeconfig string
}

func startKube(t *testing.T) *kubeCluster {
	t.Helper()
	srv := kubetest.Start(t)
	k := &kubeCluster{srv: srv, cs: kubetest.Clientset(t, srv.Config), kubeconfig: kubetest.WriteKubeconfig(t, srv.Config)}
	k.must(t, "creating namespace wandb", func(ctx context.Context) error {
		_, err := k.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: kubeNS}}, metav1.CreateOptions{})
		return err
	})
	// No controller-manager runs, so nobody creates the default ServiceAccount
	// the ServiceAccount admission plugin wants for pods.
	k.must(t, "creating the default ServiceAccount", func(ctx context.Context) error {
		_, err := k.cs.CoreV1().ServiceAccounts(kubeNS).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
		return err
	})
	return k
}

func (k *kubeCluster) must(t *testing.T, what string, fn func(ctx context.Context) error) {
	t.Helper()
	if err := fn(t.Context()); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (k *kubeCluster) reader(name string) *KubernetesEnv {
	return &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, Deployment: name, Timeout: 10 * time.Second}
}

func (k *kubeCluster) configMap(t *testing.T, name string, data map[string]string) {
	t.Helper()
	k.must(t, "creating configmap "+name, func(ctx context.Context) error {
		_, err := k.cs.CoreV1().ConfigMaps(kubeNS).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: data}, metav1.CreateOptions{})
		return err
	})
}

func (k *kubeCluster) secret(t *testing.T, name string, data map[string]string) {
	t.Helper()
	k.must(t, "creating secret "+name, func(ctx context.Context) error {
		_, err := k.cs.CoreV1().Secrets(kubeNS).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}, metav1.CreateOptions{})
		return err
	})
}

func (k *kubeCluster) deployment(t *testing.T, name string, containers ...corev1.Container) {
	t.Helper()
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: containers},
			},
		},
	}
	k.must(t, "creating deployment "+name, func(ctx context.Context) error {
		_, err := k.cs.AppsV1().Deployments(kubeNS).Create(ctx, d, metav1.CreateOptions{})
		return err
	})
}

// pod creates a pod of the deployment and sets status.startTime through
// the status subresource, as the kubelet would (no kubelet runs here).
func (k *kubeCluster) pod(t *testing.T, deployment, name string, started time.Time) {
	t.Helper()
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": deployment}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local"}}},
	}
	k.must(t, "creating pod "+name, func(ctx context.Context) error {
		created, err := k.cs.CoreV1().Pods(kubeNS).Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		created.Status.Phase = corev1.PodRunning
		created.Status.StartTime = &metav1.Time{Time: started}
		_, err = k.cs.CoreV1().Pods(kubeNS).UpdateStatus(ctx, created, metav1.UpdateOptions{})
		return err
	})
}

func container(name string, envFrom []corev1.EnvFromSource, env ...corev1.EnvVar) corev1.Container {
	return corev1.Container{Name: name, Image: "wandb/local", EnvFrom: envFrom, Env: env}
}

func literal(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func ptr[T any](v T) *T { return &v }
