package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/driftd/driftd/internal/kubetest"
)

// kubeSoak is the Kubernetes side of `-events kubernetes`: a real
// kube-apiserver and etcd (envtest, the binaries internal/kubetest uses:
// $KUBEBUILDER_ASSETS, else ~/.cache/driftd/kube, built by
// .ci/kube/build.sh) holding one W&B Deployment per target in namespace
// wandb, each reading a ConfigMap; an edit is a kubectl-style change of a
// random target's Deployment env behind Terraform's back.
type kubeSoak struct {
	env        *envtest.Environment
	cs         kubernetes.Interface
	kubeconfig string
}

const kubeSoakNS = "wandb"

// startKube starts the API server and creates n targets' W&B objects.
func startKube(ctx context.Context, dir string, n int, issuer string) (*kubeSoak, error) {
	assets, err := kubetest.AssetsDir()
	if err != nil {
		return nil, err
	}
	ctrllog.SetLogger(logr.Discard())
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	env.ControlPlane.GetAPIServer().Path = filepath.Join(assets, "kube-apiserver")
	env.ControlPlane.Etcd = &envtest.Etcd{Path: filepath.Join(assets, "etcd")}
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("starting kube-apiserver from %s (run .ci/kube/build.sh): %w", assets, err)
	}
	k := &kubeSoak{env: env}
	admin := rest.CopyConfig(cfg)
	admin.QPS, admin.Burst = 500, 500
	if k.cs, err = kubernetes.NewForConfig(admin); err != nil {
		k.close()
		return nil, err
	}
	if k.kubeconfig, err = writeKubeconfig(dir, cfg); err == nil {
		err = k.create(ctx, n, issuer)
	}
	if err != nil {
		k.close()
		return nil, err
	}
	return k, nil
}

func (k *kubeSoak) close() { _ = k.env.Stop() }

// create makes namespace wandb and, for each target, ConfigMap tNNNNNN-env
// (the CORS origins) and Deployment tNNNNNN (client id and issuer literal,
// envFrom the ConfigMap), eight at a time.
func (k *kubeSoak) create(ctx context.Context, n int, issuer string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: kubeSoakNS}}
	if _, err := k.cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating namespace %s: %w", kubeSoakNS, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := k.createTarget(ctx, fmt.Sprintf("t%06d", i), issuer); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (k *kubeSoak) createTarget(ctx context.Context, name, issuer string) error {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name + "-env"},
		Data: map[string]string{"GORILLA_CORS_ORIGINS": "https://wandb.soak.test, null"}}
	if _, err := k.cs.CoreV1().ConfigMaps(kubeSoakNS).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating configmap %s: %w", cm.Name, err)
	}
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "wandb/local",
				EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm.Name}}}},
				Env:     []corev1.EnvVar{{Name: "OIDC_CLIENT_ID", Value: "0oasoakclient"}, {Name: "OIDC_ISSUER", Value: issuer}}}}},
		}}}
	if _, err := k.cs.AppsV1().Deployments(kubeSoakNS).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating deployment %s: %w", name, err)
	}
	return nil
}

// edit points target id's Deployment at another Okta app, as a kubectl
// edit would.
func (k *kubeSoak) edit(ctx context.Context, id int) error {
	name := fmt.Sprintf("t%06d", id)
	d, err := k.cs.AppsV1().Deployments(kubeSoakNS).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	d.Spec.Template.Spec.Containers[0].Env[0].Value = "0oa-someone-elses-app"
	_, err = k.cs.AppsV1().Deployments(kubeSoakNS).Update(ctx, d, metav1.UpdateOptions{})
	return err
}

var fileEnv = regexp.MustCompile(`name: (t\d{6})\n    wandb: \{url: ([^,]+), env: \{source: file, path: [^}]+\}\}`)

// configure points every target's env at its Deployment and turns the
// watch on.
func (k *kubeSoak) configure(cfg string) string {
	cfg = fileEnv.ReplaceAllString(cfg, "name: $1\n    wandb: {url: $2, env: {source: kubernetes, kubeconfig: "+
		k.kubeconfig+", namespace: "+kubeSoakNS+", deployment: $1}}")
	return strings.TrimRight(cfg, "\n") + "\nkubernetes:\n  watch: true\n"
}

// writeKubeconfig writes cfg's credentials as a kubeconfig file in dir.
func writeKubeconfig(dir string, cfg *rest.Config) (string, error) {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["soak"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["soak"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken}
	kc.Contexts["soak"] = &clientcmdapi.Context{Cluster: "soak", AuthInfo: "soak"}
	kc.CurrentContext = "soak"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return "", fmt.Errorf("writing the soak's kubeconfig: %w", err)
	}
	return path, nil
}
