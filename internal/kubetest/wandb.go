package kubetest

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// W&B's objects as deploy/terraform's wandb_env.tf feeds them: the
// ConfigMap Terraform owns, and the Deployment whose app container takes
// its env from it.
const (
	WandbNamespace  = "wandb"
	WandbConfigMap  = "wandb-env"
	WandbDeployment = "wandb-app"
)

// WandbApp creates the namespace wandb and the W&B Deployment wandb-app,
// whose container app takes its env from the ConfigMap wandb-env (created
// later, by Terraform). There is no controller manager, so the Deployment
// runs no pods: its env is what the pods would start with.
func (s *Server) WandbApp(t testing.TB) {
	t.Helper()
	s.CreateWandbNamespace(t)
	cs := Clientset(t, s.Config)
	ctx := context.Background()
	labels := map[string]string{"app.kubernetes.io/name": "wandb"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: WandbDeployment},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "app", Image: "wandb/local",
					EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{
						LocalObjectReference: corev1.LocalObjectReference{Name: WandbConfigMap},
					}}},
				}}},
			},
		},
	}
	if _, err := cs.AppsV1().Deployments(WandbNamespace).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating deployment %s/%s: %v", WandbNamespace, WandbDeployment, err)
	}
}

// CreateWandbNamespace creates the namespace wandb alone (an operator install:
// the operator, not a Deployment of ours, runs W&B there).
func (s *Server) CreateWandbNamespace(t testing.TB) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: WandbNamespace}}
	if _, err := Clientset(t, s.Config).CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", WandbNamespace, err)
	}
}

// SetWandbEnv replaces the data of the ConfigMap wandb-env, as someone
// editing it with kubectl would.
func (s *Server) SetWandbEnv(t testing.TB, data map[string]string) {
	t.Helper()
	cms := Clientset(t, s.Config).CoreV1().ConfigMaps(WandbNamespace)
	ctx := context.Background()
	cm, err := cms.Get(ctx, WandbConfigMap, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading configmap %s/%s: %v", WandbNamespace, WandbConfigMap, err)
	}
	cm.Data = data
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("updating configmap %s/%s: %v", WandbNamespace, WandbConfigMap, err)
	}
}
