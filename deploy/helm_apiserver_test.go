package deploy_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/driftd/driftd/internal/kubetest"
)

// applyChart creates every object the chart renders with valuesFile in
// namespace ns by server-side apply, so the API server's schema checks
// (server-side apply refuses a field the schema lacks, or of the wrong
// type), defaulting and admission run on it. The prometheus-operator kinds are left out:
// their CRDs are not here to install (their rules are checked by
// TestChartAlertingRulesParseWithPrometheusRulefmt).
func applyChart(t *testing.T, srv *kubetest.Server, ns, valuesFile string) {
	t.Helper()
	applyDocs(t, srv, ns, render(t, valuesFile).keysWithDocs())
}

// applyManifest creates the objects of a file under deploy/ in namespace
// ns as applyChart does (as kustomize's namespace would).
func applyManifest(t *testing.T, srv *kubetest.Server, ns, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []renderedDoc
	for i, doc := range strings.Split(string(raw), "\n---\n") {
		docs = append(docs, renderedDoc{fmt.Sprintf("%s#%d", path, i), []byte(doc)})
	}
	applyDocs(t, srv, ns, docs)
}

// applyDocs server-side applies docs in namespace ns.
func applyDocs(t *testing.T, srv *kubetest.Server, ns string, docs []renderedDoc) {
	t.Helper()
	ctx := t.Context()
	dc, err := discovery.NewDiscoveryClientForConfig(srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	dyn, err := dynamic.NewForConfig(srv.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range docs {
		obj := &unstructured.Unstructured{}
		if err := sigsyaml.Unmarshal(key.doc, &obj.Object); err != nil {
			t.Fatalf("%s: %v", key.name, err)
		}
		gvk := obj.GroupVersionKind()
		if gvk.Group == "monitoring.coreos.com" {
			continue
		}
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatalf("%s: the API server does not serve %s: %v", key.name, gvk, err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == "namespace" {
			ri = dyn.Resource(m.Resource).Namespace(ns)
		}
		opts := metav1.ApplyOptions{FieldManager: "helm-test", Force: true}
		if _, err := ri.Apply(ctx, obj.GetName(), obj, opts); err != nil {
			t.Errorf("the API server refused %s: %v", key.name, err)
		}
	}
}

type renderedDoc struct {
	name string
	doc  []byte
}

// keysWithDocs is every rendered object in a stable order.
func (r rendered) keysWithDocs() []renderedDoc {
	var out []renderedDoc
	for _, k := range r.keys() {
		out = append(out, renderedDoc{k, r[k]})
	}
	return out
}

// TestChartIsCreatedOnARealAPIServerWithTheAccessItNames renders the chart
// with its defaults and with the sample values, creates the result on a
// real kube-apiserver, and then acts as the chart's service account: it
// reads the one Secret the sample names, the <name>-spec-active Secret of
// the operator resource a target names, and no other, and Terraform's
// write Role changes the named ConfigMap and nothing else.
func TestChartIsCreatedOnARealAPIServerWithTheAccessItNames(t *testing.T) {
	srv := kubetest.Start(t)
	cs := kubetest.Clientset(t, srv.Config)
	ctx := t.Context()
	// Each install has a namespace of its own, as two releases would:
	// wandb-default the chart's defaults (the sample's PVC could not
	// replace theirs), wandb-plain deploy/kubernetes's, whose write Role
	// has the chart's name.
	for _, ns := range []string{"wandb", "wandb-staging", "wandb-ml", "wandb-default", "wandb-plain"} {
		must(t)(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
	}
	for _, s := range []struct{ ns, name string }{{"wandb-staging", "wandb-global-secret"}, {"wandb-staging", "wandb-mysql"}, {"wandb", "driftd-credentials"},
		{"wandb-ml", "wandb-spec-active"}, {"wandb-ml", "other-spec-active"}} {
		must(t)(cs.CoreV1().Secrets(s.ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: s.name}, StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{}))
	}
	for _, cm := range []struct{ ns, name string }{{"wandb", "wandb-prod-env"}, {"wandb", "wandb-other"}, {"wandb-plain", "wandb-env"}, {"wandb-plain", "wandb-other"}} {
		ns, name := cm.ns, cm.name
		must(t)(cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"dotenv": "OIDC_CLIENT_ID=0oa1"}}, metav1.CreateOptions{}))
	}
	applyChart(t, srv, "wandb-default", "")
	applyChart(t, srv, "wandb", "helm/driftd/ci/sample-values.yaml")
	applyManifest(t, srv, "wandb-plain", "kubernetes/serviceaccount.yaml")
	applyManifest(t, srv, "wandb-plain", "kubernetes/terraform-rbac.example.yaml")
	if t.Failed() {
		return
	}
	sa := serviceAccountClient(t, srv, cs, "wandb", "driftd")
	plain := serviceAccountClient(t, srv, cs, "wandb-plain", "driftd")
	type access struct {
		name string
		do   func() error
		want bool
	}
	cmPatch := func(as kubernetes.Interface, ns, name string) func() error {
		return func() error {
			_, err := as.CoreV1().ConfigMaps(ns).Patch(context.Background(), name, "application/merge-patch+json",
				[]byte(`{"data":{"dotenv":"OIDC_CLIENT_ID=0oa2"}}`), metav1.PatchOptions{})
			return err
		}
	}
	getSecret := func(ns, name string) func() error {
		return func() error {
			_, err := sa.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
			return err
		}
	}
	for _, a := range []access{
		{"reads the Secret rbac.secrets names", getSecret("wandb-staging", "wandb-global-secret"), true},
		{"reads no other Secret", getSecret("wandb-staging", "wandb-mysql"), false},
		{"reads the spec-active Secret of the operator resource a target names", getSecret("wandb-ml", "wandb-spec-active"), true},
		{"reads no other resource's spec-active Secret", getSecret("wandb-ml", "other-spec-active"), false},
		{"reads not its own credentials Secret", getSecret("wandb", "driftd-credentials"), false},
		{"lets Terraform change the ConfigMap terraform.rbac names", cmPatch(sa, "wandb", "wandb-prod-env"), true},
		{"lets Terraform change no other ConfigMap", cmPatch(sa, "wandb", "wandb-other"), false},
		{"of deploy/kubernetes lets Terraform change the ConfigMap its example Role names", cmPatch(plain, "wandb-plain", "wandb-env"), true},
		{"of deploy/kubernetes lets Terraform change no other ConfigMap", cmPatch(plain, "wandb-plain", "wandb-other"), false},
	} {
		// RBAC reads new Roles through an informer: allow it a generous while.
		var err error
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if err = a.do(); (err == nil) == a.want || time.Now().After(deadline) {
				break
			}
		}
		if (err == nil) != a.want {
			t.Errorf("the service account %s: want allowed=%v, got err=%v", a.name, a.want, err)
		}
	}
}

// serviceAccountClient is a client with a token of service account
// ns/name.
func serviceAccountClient(t *testing.T, srv *kubetest.Server, cs kubernetes.Interface, ns, name string) kubernetes.Interface {
	t.Helper()
	tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.AnonymousClientConfig(srv.Config)
	cfg.BearerToken = tr.Status.Token
	return kubetest.Clientset(t, cfg)
}

// TestTheDefaultChartGrantsNothingForAFileSource: with the default
// `source: file`, driftd reads nothing in the cluster, so the chart binds
// no Role and mounts no token.
func TestTheDefaultChartGrantsNothingForAFileSource(t *testing.T) {
	r := render(t, "")
	for _, k := range r.keys() {
		if strings.Contains(k, "Role") {
			t.Errorf("the default values render %s", k)
		}
	}
	if !strings.Contains(string(r["Deployment/driftd"]), "automountServiceAccountToken: false") {
		t.Error("the default values mount the service account token")
	}
}
