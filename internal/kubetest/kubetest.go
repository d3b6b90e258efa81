// Package kubetest runs a real kube-apiserver and etcd for tests, through
// controller-runtime's envtest (sigs.k8s.io/controller-runtime/pkg/envtest),
// so code that talks to Kubernetes with client-go is tested against the real
// API server's validation, defaults, RBAC and errors rather than client-go's
// fake clientset.
//
// The binaries are built from the Go module proxy by .ci/kube/build.sh into
// $KUBEBUILDER_ASSETS or, when that is unset, ~/.cache/driftd/kube. Without
// them a test is skipped, except in CI (internal/ci) where it fails, so the
// coverage can never silently vanish in CI.
//
// kubetest is test support only: it imports nothing from driftd but
// internal/ci (a leaf), so any package's tests may use it; nothing outside
// _test.go files and the soak program (internal/soak) should import it.
package kubetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/driftd/driftd/internal/ci"
)

// Binaries are the programs envtest runs, as named in the assets directory.
var Binaries = []string{"kube-apiserver", "etcd"}

// AssetsDir is where the binaries are looked up: $KUBEBUILDER_ASSETS (the
// variable envtest itself reads) or, when that is unset,
// ~/.cache/driftd/kube where .ci/kube/build.sh puts them.
func AssetsDir() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the kube binaries (KUBEBUILDER_ASSETS is unset): %w", err)
	}
	return filepath.Join(home, ".cache", "driftd", "kube"), nil
}

// checkBinaries says which of Binaries is missing from dir, if any.
func checkBinaries(dir string) error {
	var missing []error
	for _, name := range Binaries {
		path := filepath.Join(dir, name)
		info, err := os.Stat(path)
		switch {
		case err != nil:
			missing = append(missing, fmt.Errorf("looking for %s: %w", name, err))
		case info.IsDir() || info.Mode().Perm()&0o111 == 0:
			missing = append(missing, fmt.Errorf("%s is not an executable file", path))
		}
	}
	return errors.Join(missing...)
}

// requireBinaries returns the assets directory, or skips the test (fails
// it under CI=true) when the binaries are not there. ok is false when the
// test was stopped; a real testing.TB never returns in that case.
func requireBinaries(t testing.TB) (dir string, ok bool) {
	t.Helper()
	dir, err := AssetsDir()
	if err == nil {
		err = checkBinaries(dir)
	}
	if err == nil {
		return dir, true
	}
	ci.MissingTool(t, "kube-apiserver/etcd not built: %v (run .ci/kube/build.sh)", err)
	return "", false
}

// Server is a running kube-apiserver backed by its own etcd, listening on
// loopback only. It is stopped, and its data removed, when the test ends.
type Server struct {
	// Config authenticates as an administrator (group system:masters).
	Config *rest.Config

	env *envtest.Environment
}

var quietLogger sync.Once

// Start starts a fresh API server and etcd for this test (about 5 seconds)
// and stops them when the test ends. Each call gets an empty cluster.
func Start(t testing.TB) *Server {
	t.Helper()
	dir, ok := requireBinaries(t)
	if !ok {
		return nil
	}
	// controller-runtime complains, with a stack trace, when its logger is
	// never set; envtest's own log lines are not useful in test output.
	quietLogger.Do(func() { ctrllog.SetLogger(logr.Discard()) })

	var output lockedBuffer
	// envtest gives each component 20 s to start, which a loaded machine
	// outlasts (kube-apiserver under -race with two busy loops beside it
	// failed five retries): the start is waited for, up to a hang guard.
	env := &envtest.Environment{BinaryAssetsDirectory: dir}
	api := env.ControlPlane.GetAPIServer()
	api.Path = filepath.Join(dir, "kube-apiserver")
	api.Out, api.Err, api.StartTimeout = &output, &output, readyDeadline
	env.ControlPlane.Etcd = &envtest.Etcd{Path: filepath.Join(dir, "etcd"), Out: &output, Err: &output, StartTimeout: readyDeadline}

	started := time.Now()
	cfg, err := startControlPlane(env)
	if err != nil {
		_ = env.Stop()
		t.Fatalf("starting kube-apiserver and etcd from %s: %v\n%s", dir, err, output.tail(4000))
		return nil
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping kube-apiserver and etcd: %v", err)
		}
	})
	readyz := time.Since(started).Round(time.Millisecond)
	tries, err := ensureDefaultNamespace(cfg)
	if err != nil {
		t.Fatalf("kube-apiserver %s: %v\n%s", cfg.Host, err, output.tail(4000))
		return nil
	}
	t.Logf("kube-apiserver %s ready in %s (/readyz at %s; namespace default served at try %d)", cfg.Host, time.Since(started).Round(time.Millisecond), readyz, tries)
	return &Server{Config: cfg, env: env}
}

// startControlPlane starts etcd and kube-apiserver and returns an
// administrator's config (group system:masters), as envtest.Environment's
// Start does but without its wait for the namespace default, which gives up
// after a fixed 5 s (controller-runtime v0.25.2 pkg/envtest/server.go
// waitForDefaultNamespace: "default namespace didn't register within
// deadline" at load 17); ensureDefaultNamespace waits instead. Like Start
// it tries the control plane up to 3 times, for a port taken between
// being picked and bound.
func startControlPlane(env *envtest.Environment) (*rest.Config, error) {
	var err error
	for range 3 {
		if err = env.ControlPlane.Start(); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	// client-go's default 5 QPS would throttle a test's setup.
	admin, err := env.ControlPlane.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, &rest.Config{QPS: 1000, Burst: 2000})
	if err != nil {
		return nil, fmt.Errorf("provisioning the admin user: %w", err)
	}
	env.Config = admin.Config()
	return env.Config, nil
}

// readyDeadline bounds the wait for etcd and the API server to start and
// for the namespace default: a hang guard, not a guess at how long
// start-up takes.
const readyDeadline = 2 * time.Minute

// ensureDefaultNamespace returns once the namespace default exists, and
// how many tries that took.
// envtest returns when /readyz passes, but the API server creates its
// system namespaces afterwards, in the goroutine its
// start-system-namespaces-controller post-start hook starts, and retries a
// failed create only a minute later (kubernetes v1.37.2
// pkg/controlplane/apiserver/server.go, pkg/controlplane/controller/
// systemnamespaces: wait.Until(c.sync, 1*time.Minute)). So it creates the
// namespace itself when it is missing, as that controller would (an
// AlreadyExists from the race with it is success), and retries while the
// NamespaceLifecycle admission plugin is not yet ready.
func ensureDefaultNamespace(cfg *rest.Config) (tries int, err error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyDeadline)
	defer cancel()
	var last error
	for {
		tries++
		_, last = cs.CoreV1().Namespaces().Get(ctx, metav1.NamespaceDefault, metav1.GetOptions{})
		if apierrors.IsNotFound(last) {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: metav1.NamespaceDefault}}
			if _, last = cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); apierrors.IsAlreadyExists(last) {
				last = nil
			}
		}
		if last == nil {
			return tries, nil
		}
		select {
		case <-ctx.Done():
			return tries, fmt.Errorf("namespace default not served within %s: %w", readyDeadline, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Clientset returns a typed client-go client for cfg (for example Config,
// or one from ServiceAccountConfig).
func Clientset(t testing.TB, cfg *rest.Config) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("creating a client-go clientset for %s: %v", cfg.Host, err)
	}
	return cs
}

// InstallCRDs applies the CustomResourceDefinitions in the given YAML or
// JSON files (or directories of them) and waits until the API server
// serves them. A path that does not exist fails the test.
func (s *Server) InstallCRDs(t testing.TB, paths ...string) []*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crds, err := envtest.InstallCRDs(s.Config, envtest.CRDInstallOptions{
		Paths:              paths,
		ErrorIfPathMissing: true,
	})
	if err != nil {
		t.Fatalf("installing CRDs from %v: %v", paths, err)
	}
	if len(crds) == 0 {
		t.Fatalf("installing CRDs from %v: no CustomResourceDefinition found", paths)
	}
	return crds
}

// WriteKubeconfig writes a kubeconfig file for cfg into a temporary
// directory and returns its path, for code that resolves a kubeconfig the
// way kubectl does.
func WriteKubeconfig(t testing.TB, cfg *rest.Config) string {
	t.Helper()
	const name = "kubetest"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData,
		ClientKeyData:         cfg.KeyData,
		Token:                 cfg.BearerToken,
	}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: "default"}
	kc.CurrentContext = name
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatalf("writing kubeconfig: %v", err)
	}
	return path
}

// lockedBuffer collects the API server's and etcd's output, written from
// several goroutines, to show when start-up fails.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n bytes written.
func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf.Bytes()
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return string(out)
}
