package daemon

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// liveWandb is a W&B Deployment on a real API server whose env matches the
// fixture's Okta app, with the CORS origins in a ConfigMap.
func liveWandb(t *testing.T, cs kubernetes.Interface, issuer string) {
	t.Helper()
	ctx := t.Context()
	labels := map[string]string{"app": "wandb-app"}
	objs := []func() error{
		func() error {
			_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "wandb"}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.CoreV1().ConfigMaps("wandb").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "wandb-env"},
				Data: map[string]string{"GORILLA_CORS_ORIGINS": "https://prod.wandb.test,null"}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.AppsV1().Deployments("wandb").Create(ctx, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "wandb-app"},
				Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local",
						EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-env"}}}},
						Env:     []corev1.EnvVar{{Name: "OIDC_CLIENT_ID", Value: "0oaprodclient"}, {Name: "OIDC_ISSUER", Value: issuer}}}}},
				}}}, metav1.CreateOptions{})
			return err
		},
	}
	for _, create := range objs {
		if err := create(); err != nil {
			t.Fatalf("creating the live W&B: %v", err)
		}
	}
}

func checkKubernetesTarget(t *testing.T, f *fixture.Fixture, kubeconfig string) report.TargetResult {
	t.Helper()
	f.WriteConfig(strings.Replace(f.Body, "env: {source: file, path: ./prod.env}",
		"env: {source: kubernetes, kubeconfig: "+kubeconfig+", namespace: wandb, deployment: wandb-app}", 1))
	cfg, err := config.LoadConfig(f.Cfg)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return e.CheckTarget(t.Context(), &cfg.Targets[0])
}

// TestEngineReadsTheLiveDeployment runs driftd's engine against a real API
// server: in sync, then a Deployment edited behind Terraform's back (drift),
// a ConfigMap changed after the pods started (a warning, not drift), and a
// token without the Role (error naming the permission).
func TestEngineReadsTheLiveDeployment(t *testing.T) {
	f := fixture.New(t, "prod")
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	liveWandb(t, cs, f.Sim.URL)
	kubeconfig := kubetest.WriteKubeconfig(t, srv.Config)

	if res := checkKubernetesTarget(t, f, kubeconfig); res.Status != report.StatusOK {
		t.Fatalf("in sync: status %s, findings %+v, errors %+v", res.Status, res.Findings, res.Errors)
	}

	t.Run("a kubectl edit of the client id is drift", func(t *testing.T) {
		d, err := cs.AppsV1().Deployments("wandb").Get(t.Context(), "wandb-app", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Spec.Template.Spec.Containers[0].Env[0].Value = "0oa-someone-elses-app"
		if _, err := cs.AppsV1().Deployments("wandb").Update(t.Context(), d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		res := checkKubernetesTarget(t, f, kubeconfig)
		if res.Status != report.StatusDrift || !hasFinding(res, checks.IDWandbClientID, checks.SeverityError) {
			t.Fatalf("status %s, findings %+v, errors %+v", res.Status, res.Findings, res.Errors)
		}
		d.Spec.Template.Spec.Containers[0].Env[0].Value = "0oaprodclient"
		d.ResourceVersion = ""
		if _, err := cs.AppsV1().Deployments("wandb").Update(t.Context(), d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a ConfigMap newer than the running pod is a pending rollout, a warning", func(t *testing.T) {
		createStartedPod(t, cs, "wandb-app-1", time.Now().Add(-time.Hour))
		res := checkKubernetesTarget(t, f, kubeconfig)
		if res.Status != report.StatusOK || !hasFinding(res, checks.IDWandbRolloutPending, checks.SeverityWarning) {
			t.Fatalf("status %s, findings %+v, errors %+v", res.Status, res.Findings, res.Errors)
		}
	})

	t.Run("a token without the Role is status error naming the permission", func(t *testing.T) {
		cfg := srv.ServiceAccountConfig(t, kubetest.Access{Namespace: "wandb", Name: "driftd"})
		res := checkKubernetesTarget(t, f, kubetest.WriteKubeconfig(t, cfg))
		if res.Status != report.StatusError || len(res.Errors) != 1 || res.Errors[0].Source != "wandb" ||
			!strings.Contains(res.Errors[0].Message, "driftd's service account lacks get on deployments.apps in namespace wandb") {
			t.Fatalf("status %s, findings %+v, errors %+v", res.Status, res.Findings, res.Errors)
		}
	})
}

func hasFinding(res report.TargetResult, id string, sev checks.Severity) bool {
	for _, f := range res.Findings {
		if f.Check == id && f.Severity == sev {
			return true
		}
	}
	return false
}

func createStartedPod(t *testing.T, cs kubernetes.Interface, name string, started time.Time) {
	t.Helper()
	ctx := t.Context()
	if _, err := cs.CoreV1().ServiceAccounts("wandb").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := cs.CoreV1().Pods("wandb").Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "wandb-app"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase, p.Status.StartTime = corev1.PodRunning, &metav1.Time{Time: started}
	if _, err := cs.CoreV1().Pods("wandb").UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
