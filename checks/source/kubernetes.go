package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/driftd/driftd/checks"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// DefaultKubernetesTimeout bounds each read from the Kubernetes API.
const DefaultKubernetesTimeout = 15 * time.Second

// KubernetesEnv reads a W&B deployment's env where it runs, through
// client-go: a Deployment's container env (value, valueFrom and envFrom
// resolved as the kubelet resolves them), or, for the W&B operator's
// WeightsAndBiases resource, the env of the app Deployment the operator
// runs for it, with the resource naming where each setting is configured.
// It only reads (get and list).
type KubernetesEnv struct {
	// Kubeconfig is a kubeconfig file; empty means the in-cluster config,
	// else $KUBECONFIG, else ~/.kube/config.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// Namespace holds the W&B objects; empty means "default".
	Namespace string
	// Deployment names the W&B Deployment; exclusive with WeightsAndBiases.
	Deployment string
	// WeightsAndBiases names the operator's custom resource.
	WeightsAndBiases string
	// Container picks the Deployment's container; empty means the only one,
	// else the one named api, app or wandb.
	Container string
	// Timeout bounds each request; zero means DefaultKubernetesTimeout.
	Timeout time.Duration
	// Now is the clock of the rollout observation; nil means time.Now.
	Now func() time.Time
}

// Env reads the live env.
func (k *KubernetesEnv) Env(ctx context.Context) (*checks.WandbEnv, error) {
	cfg, where, err := k.restConfig()
	if err != nil {
		return nil, fmt.Errorf("reading W&B env from Kubernetes: %w", err)
	}
	r := &kubeRead{host: cfg.Host, ns: k.namespace(), timeout: k.timeout()}
	switch {
	case k.Deployment != "" && k.WeightsAndBiases != "":
		return nil, errors.New("reading W&B env from Kubernetes: set deployment or weightsandbiases, not both")
	case k.Deployment == "" && k.WeightsAndBiases == "":
		return nil, errors.New("reading W&B env from Kubernetes: set deployment or weightsandbiases")
	}
	cs, err := newKubeClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("reading W&B env from Kubernetes: creating a client for %s: %w", cfg.Host, err)
	}
	r.cs = cs
	if k.Deployment != "" {
		return k.deploymentEnv(ctx, r, where)
	}
	return k.customResourceEnv(ctx, r, cs.dyn, where)
}

func (k *KubernetesEnv) namespace() string {
	if k.Namespace == "" {
		return "default"
	}
	return k.Namespace
}

func (k *KubernetesEnv) timeout() time.Duration {
	if k.Timeout <= 0 {
		return DefaultKubernetesTimeout
	}
	return k.Timeout
}

func (k *KubernetesEnv) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

// restConfig resolves the connection the way kubectl does, with the
// in-cluster config first when neither a kubeconfig nor a context is set.
// where describes it for the env's Source.
func (k *KubernetesEnv) restConfig() (cfg *rest.Config, where string, err error) {
	if k.Kubeconfig == "" && k.Context == "" {
		cfg, err := rest.InClusterConfig()
		if err == nil {
			cfg.Timeout = k.timeout()
			return cfg, "in-cluster", nil
		}
		if !errors.Is(err, rest.ErrNotInCluster) {
			return nil, "", fmt.Errorf("loading the in-cluster config: %w", err)
		}
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules() // $KUBECONFIG, else ~/.kube/config
	rules.ExplicitPath = k.Kubeconfig
	if err := checkKubeconfigs(rules); err != nil {
		return nil, "", err
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: k.Context})
	cfg, err = loader.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, "", errors.New("not running in a cluster and no kubeconfig found ($KUBECONFIG, ~/.kube/config): set wandb.env.kubeconfig")
		}
		return nil, "", fmt.Errorf("loading the kubeconfig: %w", err)
	}
	raw, err := loader.RawConfig()
	if err != nil {
		return nil, "", fmt.Errorf("loading the kubeconfig: %w", err)
	}
	where = raw.CurrentContext
	if k.Context != "" {
		where = k.Context
	}
	cfg.Timeout = k.timeout()
	return cfg, where, nil
}

// kubeRead is one pass over the API: the clients, the namespace and the
// objects read so far.
type kubeRead struct {
	cs      *kubeClient
	host    string
	ns      string
	timeout time.Duration
}

// call runs one request under the read timeout.
func (r *kubeRead) call(ctx context.Context, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return fn(ctx)
}

// apiError turns a failed request into an error that names what is missing:
// the permission (RBAC verb and resource), the object, or the API itself.
// It is an observation error (status error), never drift.
func (r *kubeRead) apiError(err error, verb, resource, kind, name string) error {
	obj := kind + " " + r.ns + "/" + name
	if name == "" {
		obj = resource + " in namespace " + r.ns
	}
	var netErr net.Error
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Errorf("driftd's service account lacks %s on %s in namespace %s (see deploy/kubernetes/rbac.yaml): %w", verb, resource, r.ns, err)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("the Kubernetes API at %s refused driftd's credentials (401 Unauthorized) reading %s: renew the token or kubeconfig: %w", r.host, obj, err)
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s not found: %w", obj, err)
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("the Kubernetes API at %s did not answer within %s reading %s: %w", r.host, r.timeout, obj, err)
	}
	return fmt.Errorf("reading %s from the Kubernetes API at %s: %w", obj, r.host, err)
}

// checkKubeconfigs refuses, before client-go reads them with os.ReadFile,
// every kubeconfig it would load (wandb.env.kubeconfig, else each file
// $KUBECONFIG lists, else ~/.kube/config) that exists and is not a regular
// file: a named pipe would block client-go for good, a device never ends.
func checkKubeconfigs(rules *clientcmd.ClientConfigLoadingRules) error {
	paths := rules.Precedence
	if rules.ExplicitPath != "" {
		paths = []string{rules.ExplicitPath}
	}
	for _, p := range paths {
		if err := CheckRegularFile(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("loading the kubeconfig: %w", err)
		}
	}
	return nil
}
