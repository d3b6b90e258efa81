package daemon

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
	"github.com/driftd/driftd/deploy"
	"github.com/driftd/driftd/internal/example"
	"github.com/driftd/driftd/internal/fixture"
	"github.com/driftd/driftd/internal/kubetest"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/driftd/driftd/checks/source"
)

// The operator's real CRD (v1 and v2, v2 stored) and a resource written as
// v2, kept with the source package's operator tests.
var (
	operatorCRD = filepath.Join("..", "checks", "source", "testdata", "operator", "weightsandbiases-crd-v1-v2.yaml")
	operatorV2  = filepath.Join("..", "checks", "source", "testdata", "operator", "weightsandbiases-v2.yaml")
)

const oidcSecret = "wandb-oidc-converted"

// operatorV2World is an operator v2 install on a real kube-apiserver: the
// CRD, the v2 resource, the Secret its spec.wandb.oidc names (as the
// operator's migration writes it, wandb/operator
// internal/controller/reconciler/migrate_legacy.go migrateLegacyOIDC, with a
// client secret driftd must never touch) and the `api` Deployment the
// operator runs for it (controlled by the Application `api`, reading those
// keys by secretKeyRef: internal/controller/reconciler/pods.go). No operator
// runs here, so the test writes what it would.
func operatorV2World(t *testing.T, kube *kubetest.Server, clientID, issuer, cors string) kubernetes.Interface {
	t.Helper()
	kube.CreateWandbNamespace(t)
	kube.InstallCRDs(t, operatorCRD)
	ctx := context.Background()
	dyn, err := dynamic.NewForConfig(kube.Config)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(operatorV2)
	if err != nil {
		t.Fatal(err)
	}
	cr := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(raw, &cr.Object); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(source.WeightsAndBiasesV2).Namespace(kubetest.WandbNamespace).Create(ctx, cr, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the v2 WeightsAndBiases resource: %v", err)
	}
	cs := kubetest.Clientset(t, kube.Config)
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: oidcSecret}, StringData: map[string]string{
		"clientId": clientID, "clientSecret": "oidc-client-secret-never-touched", "issuerUrl": issuer, "authMethod": "implicit"}}
	if _, err := cs.CoreV1().Secrets(kubetest.WandbNamespace).Create(ctx, sec, metav1.CreateOptions{FieldManager: "manager"}); err != nil {
		t.Fatal(err)
	}
	ref := func(name, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: oidcSecret}, Key: key}}}
	}
	labels := map[string]string{"app.kubernetes.io/name": "api"}
	yes := true
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "api", OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps.wandb.com/v2", Kind: "Application",
			Name: "api", UID: "5f0c6a1e-2b1d-4c55-9a0e-6b1f0d9c1a01", Controller: &yes}}},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "api", Image: "wandb/megabinary:0.84.0",
				Env: []corev1.EnvVar{ref("GORILLA_OIDC_CLIENT_ID", "clientId"), ref("GORILLA_OIDC_SECRET", "clientSecret"),
					ref("GORILLA_OIDC_ISSUER", "issuerUrl"), ref("GORILLA_AUTH_METHOD", "authMethod"),
					{Name: "GORILLA_CORS_ORIGINS", Value: cors}},
			}}}},
		},
	}
	if _, err := cs.AppsV1().Deployments(kubetest.WandbNamespace).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return cs
}

// terraformIn runs terraform in dir and fails the test unless it exits 0.
func terraformIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fixture.TerraformTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, fixture.Terraform(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func secretData(t *testing.T, cs kubernetes.Interface) map[string]string {
	t.Helper()
	s, err := cs.CoreV1().Secrets(kubetest.WandbNamespace).Get(context.Background(), oidcSecret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range s.Data {
		out[k] = string(v)
	}
	return out
}

// TestOperatorV2ModuleFixesTheSecretTheResourceNames: on an operator v2
// install (the real CRD on a real kube-apiserver), deploy/terraform/operator
// with operator_api = "v2" owns the keys spec.wandb.oidc names, through the
// real kubernetes provider, and leaves the client secret alone; a second
// plan is clean. An admin then edits the issuer in that Secret: driftd reads
// the drift through the app Deployment, names the Secret key as the place to
// fix, its plan writes only that key (the key guardrail maps it to
// GORILLA_OIDC_ISSUER), the apply puts it back, driftd checks in sync, the
// client secret is untouched and the next plan is clean.
func TestOperatorV2ModuleFixesTheSecretTheResourceNames(t *testing.T) {
	f := fixture.New(t, "prod")
	kube := kubetest.Start(t)
	cs := operatorV2World(t, kube, "0oaprodclient", f.Sim.URL, "https://prod.wandb.test,null")
	kubeconfig := kubetest.WriteKubeconfig(t, kube.Config)
	t.Setenv("TF_CLI_CONFIG_FILE", fixture.Providers(t))
	t.Setenv("KUBE_CONFIG_PATH", kubeconfig)
	t.Setenv("DRIFTD_TERRAFORM", fixture.Terraform(t))
	work := filepath.Join(f.Dir, "tf")
	sub, err := fs.Sub(deploy.TerraformOperator, "terraform/operator")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(work, sub); err != nil {
		t.Fatal(err)
	}
	tfvars := fmt.Sprintf("operator_api = \"v2\"\nwandb_url = \"https://prod.wandb.test\"\noidc_client_id = \"0oaprodclient\"\noidc_issuer = %q\n", f.Sim.URL)
	if err := os.WriteFile(filepath.Join(work, "terraform.tfvars"), []byte(tfvars), 0o644); err != nil {
		t.Fatal(err)
	}
	terraformIn(t, work, "init", "-input=false", "-no-color")
	terraformIn(t, work, "apply", "-auto-approve", "-input=false", "-no-color")
	terraformIn(t, work, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if got := secretData(t, cs)["clientSecret"]; got != "oidc-client-secret-never-touched" {
		t.Fatalf("after the first apply the client secret is %q", got)
	}
	f.WriteConfig(fmt.Sprintf(`state_dir: ./state
okta:
  org_url: %s
  api_token: ${DRIFTD_TEST_OKTA_TOKEN}
targets:
  - name: prod
    wandb:
      url: https://prod.wandb.test
      env: {source: kubernetes, kubeconfig: %s, namespace: wandb, weightsandbiases: wandb}
    okta: {app_id: 0oaprod}
    oidc: {client_id: 0oaprodclient, issuer: %s}
    remediation:
      mode: apply
      terraform:
        dir: ./tf
        allow: ["kubernetes_secret_v1_data.*"]
        env: %s
`, f.Sim.URL, kubeconfig, f.Sim.URL, example.TerraformEnvYAML([]string{"KUBE_CONFIG_PATH"})))
	tf := &tfFixture{Fixture: f, kube: kube, work: work}

	// An admin edits the issuer in the Secret (an update, as kubectl edit).
	s, err := cs.CoreV1().Secrets(kubetest.WandbNamespace).Get(context.Background(), oidcSecret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Data["issuerUrl"] = []byte(f.Sim.URL + "/")
	if _, err := cs.CoreV1().Secrets(kubetest.WandbNamespace).Update(context.Background(), s, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}

	res, _ := tf.reconcile()
	if res.Remediation == nil || res.Remediation.Action != report.ActionApplied || res.Remediation.Verification != "fixed" || res.Status != report.StatusOK {
		t.Fatalf("status %s, remediation %+v, findings after %+v", res.Status, res.Remediation, res.Findings)
	}
	var issuer *checks.Finding
	for i, fd := range res.Remediation.Before {
		if fd.Check == checks.IDWandbIssuer && fd.Severity == checks.SeverityError {
			issuer = &res.Remediation.Before[i]
		}
	}
	if issuer == nil || !strings.Contains(issuer.Message, "Secret wandb/"+oidcSecret+" key issuerUrl") {
		t.Errorf("the issuer finding %+v does not name the Secret key to fix; findings %+v", issuer, res.Remediation.Before)
	}
	got := secretData(t, cs)
	if got["issuerUrl"] != f.Sim.URL || got["clientSecret"] != "oidc-client-secret-never-touched" || got["clientId"] != "0oaprodclient" {
		t.Errorf("the Secret after the fix: issuerUrl %q, clientId %q, client secret kept: %v", got["issuerUrl"], got["clientId"], got["clientSecret"] == "oidc-client-secret-never-touched")
	}
	terraformIn(t, work, "plan", "-input=false", "-no-color", "-detailed-exitcode")
}
