package source

import (
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/driftd/driftd/internal/kubetest"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

var (
	getDeployments = rbacv1.PolicyRule{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"get"}}
	getConfigMaps  = rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get"}}
	getSecrets     = rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}}
)

// TestKubernetesReadFailuresNameWhatIsMissing: every failure is an error
// (the target's status error, never drift) that names the missing
// permission, object or API, and never a Secret's value.
func TestKubernetesReadFailuresNameWhatIsMissing(t *testing.T) {
	k := startKube(t)
	wandbApp(t, k)
	k.deployment(t, "two-sidecars", container("proxy", nil), container("metrics", nil))
	k.deployment(t, "needs-missing", container("app", []corev1.EnvFromSource{
		{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}}}}))
	sa := func(name string, rules ...rbacv1.PolicyRule) string {
		return kubetest.WriteKubeconfig(t, k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: name, Rules: rules}))
	}
	cases := []struct {
		name       string
		reader     *KubernetesEnv
		want       []string
		notWant    []string
		deployment string
	}{
		{name: "a missing Deployment is named", reader: k.reader("wandb-api"), want: []string{"deployment wandb/wandb-api not found"}},
		{name: "a missing ConfigMap the pods need is named", reader: k.reader("needs-missing"), want: []string{"configmap wandb/gone not found"}},
		{name: "a Deployment without a W&B container lists its containers", reader: k.reader("two-sidecars"), want: []string{"proxy, metrics", "wandb.env.container"}},
		{name: "an unknown container is refused with the choices", reader: &KubernetesEnv{Kubeconfig: k.kubeconfig, Namespace: kubeNS, Deployment: "wandb-app", Container: "nope"}, want: []string{`no container "nope"`, "app, sidecar"}},
		{name: "a token without any Role is refused get on deployments",
			reader: &KubernetesEnv{Kubeconfig: sa("driftd-none"), Namespace: kubeNS, Deployment: "wandb-app"},
			want:   []string{"driftd's service account lacks get on deployments.apps in namespace wandb", "system:serviceaccount:wandb:driftd-none"}},
		{name: "a Role without secrets is refused get on secrets, and no secret value is shown",
			reader:  &KubernetesEnv{Kubeconfig: sa("driftd-nosecrets", getDeployments, getConfigMaps), Namespace: kubeNS, Deployment: "wandb-app"},
			want:    []string{"driftd's service account lacks get on secrets in namespace wandb"},
			notWant: []string{"hunter2", "0oa-from-secret"}},
		{name: "a Role without pods is refused list on pods",
			reader: &KubernetesEnv{Kubeconfig: sa("driftd-nopods", getDeployments, getConfigMaps, getSecrets), Namespace: kubeNS, Deployment: "wandb-app"},
			want:   []string{"driftd's service account lacks list on pods in namespace wandb"}},
		{name: "a token the API server does not know is a 401",
			reader: &KubernetesEnv{Kubeconfig: badTokenKubeconfig(t, k.srv.Config), Namespace: kubeNS, Deployment: "wandb-app"},
			want:   []string{"refused driftd's credentials (401 Unauthorized)"}},
		{name: "an API server that never answers is a timeout",
			reader: &KubernetesEnv{Kubeconfig: silentKubeconfig(t), Namespace: kubeNS, Deployment: "wandb-app", Timeout: 300 * time.Millisecond},
			want:   []string{"did not answer within 300ms", "deployment wandb/wandb-app"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := tc.reader.Env(t.Context())
			if err == nil {
				t.Fatalf("read succeeded: %s", env.Source)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q shows %q", err, s)
				}
			}
		})
	}
}

func badTokenKubeconfig(t *testing.T, admin *rest.Config) string {
	cfg := rest.AnonymousClientConfig(admin)
	cfg.BearerToken = "not-a-token-the-server-issued"
	return kubetest.WriteKubeconfig(t, cfg)
}

// silentKubeconfig points at a loopback listener that accepts connections
// and never answers.
func silentKubeconfig(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["silent"] = &clientcmdapi.Cluster{Server: "https://" + l.Addr().String(), InsecureSkipTLSVerify: true}
	kc.AuthInfos["silent"] = &clientcmdapi.AuthInfo{Token: "t"}
	kc.Contexts["silent"] = &clientcmdapi.Context{Cluster: "silent", AuthInfo: "silent"}
	kc.CurrentContext = "silent"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKubernetesSecretsOutsideTheChecksNeedNoGrant: a secretKeyRef for a
// variable driftd does not check is never fetched, so a Role naming only the
// Secrets that can hold OIDC settings is enough.
func TestKubernetesSecretsOutsideTheChecksNeedNoGrant(t *testing.T) {
	k := startKube(t)
	k.deployment(t, "wandb-app", container("app", nil, literal("OIDC_CLIENT_ID", "0oa1"),
		corev1.EnvVar{Name: "MYSQL_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "wandb-mysql"}, Key: "password"}}}))
	k.secret(t, "wandb-mysql", map[string]string{"password": "hunter2"})
	listPods := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}
	cfg := k.srv.ServiceAccountConfig(t, kubetest.Access{Namespace: kubeNS, Name: "driftd", Rules: []rbacv1.PolicyRule{getDeployments, listPods}})
	env, err := (&KubernetesEnv{Kubeconfig: kubetest.WriteKubeconfig(t, cfg), Namespace: kubeNS, Deployment: "wandb-app"}).Env(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := env.Lookup("MYSQL_PASSWORD"); ok || env.Vars["OIDC_CLIENT_ID"] != "0oa1" || len(env.Rollout.Sources) != 0 {
		t.Errorf("vars %d, rollout sources %+v", len(env.Vars), env.Rollout.Sources)
	}
}
