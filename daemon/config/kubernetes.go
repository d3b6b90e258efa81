package config

import (
	"regexp"
	"sync"
)

// DefaultKubernetesNamespace is wandb.env.namespace when unset.
const DefaultKubernetesNamespace = "default"

// dnsLabel is a Kubernetes namespace or container name (RFC 1123 label).
var dnsLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`) })

// dnsSubdomain is a Kubernetes object name such as a Deployment's or a
// custom resource's (RFC 1123 subdomain).
var dnsSubdomain = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
})

// kubernetesDefaults fills wandb.env for source: kubernetes: the namespace
// and a kubeconfig path relative to the config file.
func (c *Config) kubernetesDefaults(env *EnvSource) {
	if env.Namespace == "" {
		env.Namespace = DefaultKubernetesNamespace
	}
	if env.Kubeconfig != "" {
		env.Kubeconfig = c.resolve(env.Kubeconfig)
	}
}

// validateKubernetesEnv checks wandb.env for source: kubernetes (contract
// section 8): exactly one of deployment and weightsandbiases, container only
// with deployment, and none of the other sources' keys.
func validateKubernetesEnv(env EnvSource, at string, add func(string, ...any)) {
	switch {
	case env.Deployment == "" && env.WeightsAndBiases == "":
		add("%s.wandb.env: source: kubernetes needs deployment (the W&B Deployment's name) or weightsandbiases (the W&B operator's resource)", at)
	case env.Deployment != "" && env.WeightsAndBiases != "":
		add("%s.wandb.env: set deployment or weightsandbiases, not both", at)
	}
	if env.Container != "" && env.Deployment == "" {
		add("%s.wandb.env.container: applies with deployment only", at)
	}
	for key, name := range map[string]string{"deployment": env.Deployment, "weightsandbiases": env.WeightsAndBiases} {
		if name != "" && (len(name) > 253 || !dnsSubdomain().MatchString(name)) {
			add("%s.wandb.env.%s: %q is not a Kubernetes object name (lower-case letters, digits, '-' and '.')", at, key, name)
		}
	}
	for key, name := range map[string]string{"namespace": env.Namespace, "container": env.Container} {
		if name != "" && (len(name) > 63 || !dnsLabel().MatchString(name)) {
			add("%s.wandb.env.%s: %q is not a Kubernetes name (lower-case letters, digits and '-')", at, key, name)
		}
	}
	if env.Path != "" || env.Dir != "" || env.Output != "" || env.Address != "" {
		add("%s.wandb.env: path, dir, output and address do not apply to source: kubernetes", at)
	}
}

// hasKubernetesKeys reports whether any source: kubernetes key is set, which
// the other sources refuse.
func hasKubernetesKeys(env EnvSource) bool {
	return env.Kubeconfig != "" || env.Context != "" || env.Namespace != "" || env.Deployment != "" ||
		env.WeightsAndBiases != "" || env.Container != ""
}
