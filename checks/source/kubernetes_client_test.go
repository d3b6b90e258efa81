package source

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// TestTheNarrowKubernetesClientMakesClientGosRequests checks the paths,
// parameters and decoding of the private-scheme client against the
// requests client-go's clientset makes; the behaviour against a real
// kube-apiserver is the kubetest-based tests'.
func TestTheNarrowKubernetesClientMakesClientGosRequests(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/apis/apps/v1/namespaces/wandb/deployments/wandb":
			_, _ = w.Write([]byte(`{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"wandb","namespace":"wandb"},"spec":{"template":{"spec":{"containers":[{"name":"api","env":[{"name":"OIDC_ISSUER","value":"https://x.okta.com"}]}]}}}}`))
		case "/api/v1/namespaces/wandb/pods":
			_, _ = w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"p1"},"status":{"phase":"Running"}}]}`))
		case "/api/v1/namespaces/wandb/secrets/oidc":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"details":{"name":"oidc","kind":"secrets"}}`))
		case "/apis/apps.wandb.com/v2":
			_, _ = w.Write([]byte(`{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps.wandb.com/v2","resources":[{"name":"weightsandbiases","namespaced":true,"kind":"WeightsAndBiases","verbs":["get","list","watch"]}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := newKubeClient(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := c.deployments("wandb").Get(ctx, "wandb", metav1.GetOptions{})
	if err != nil || d.Spec.Template.Spec.Containers[0].Env[0].Value != "https://x.okta.com" {
		t.Fatalf("deployment %+v, %v", d, err)
	}
	pods, err := c.pods("wandb").List(ctx, metav1.ListOptions{LabelSelector: "app=wandb"})
	if err != nil || len(pods.Items) != 1 || pods.Items[0].Status.Phase != "Running" {
		t.Fatalf("pods %+v, %v", pods, err)
	}
	if _, err := c.secrets("wandb").Get(ctx, "oidc", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a missing secret: %v, want NotFound", err)
	}
	gvr, err := servedVersion(ctx, c)
	if err != nil || gvr != WeightsAndBiasesV2 {
		t.Fatalf("served version %v, %v", gvr, err)
	}
	want := []string{
		"GET /apis/apps/v1/namespaces/wandb/deployments/wandb",
		"GET /api/v1/namespaces/wandb/pods?labelSelector=app%3Dwandb",
		"GET /api/v1/namespaces/wandb/secrets/oidc",
		"GET /apis/apps.wandb.com/v2",
	}
	if len(seen) != len(want) {
		t.Fatalf("requests %q, want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("request %d = %q, want %q", i, seen[i], want[i])
		}
	}
}
