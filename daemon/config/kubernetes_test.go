package config

import (
	"errors"
	"strings"
	"testing"
)

const fileEnv = "        source: file\n        path: ./wandb.env\n"

func TestKubernetesEnvSourceGetsItsDefaults(t *testing.T) {
	text := strings.Replace(goodConfig, fileEnv, "        source: kubernetes\n        kubeconfig: ./kube/config\n        deployment: wandb-app\n", 1)
	c, err := ParseConfig([]byte(text), "/etc/driftd/driftd.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	env := c.Targets[0].Wandb.Env
	checksEqual(t, "namespace", env.Namespace, "default")
	checksEqual(t, "kubeconfig", env.Kubeconfig, "/etc/driftd/kube/config")
	checksEqual(t, "deployment", env.Deployment, "wandb-app")
}

var kubernetesConfigCases = []struct {
	name, env, want string
}{
	{name: "a weightsandbiases resource in its namespace is accepted", env: "source: kubernetes\n        namespace: wandb\n        weightsandbiases: wandb"},
	{name: "a deployment with a container and a context is accepted", env: "source: kubernetes\n        context: prod\n        deployment: wandb-app\n        container: app"},
	{name: "neither deployment nor weightsandbiases is refused", env: "source: kubernetes\n        namespace: wandb",
		want: "targets[0].wandb.env: source: kubernetes needs deployment (the W&B Deployment's name) or weightsandbiases (the W&B operator's resource)"},
	{name: "both deployment and weightsandbiases are refused", env: "source: kubernetes\n        deployment: a\n        weightsandbiases: b",
		want: "targets[0].wandb.env: set deployment or weightsandbiases, not both"},
	{name: "a container without a deployment is refused", env: "source: kubernetes\n        weightsandbiases: wandb\n        container: app",
		want: "targets[0].wandb.env.container: applies with deployment only"},
	{name: "an upper-case deployment name is refused", env: "source: kubernetes\n        deployment: WandB",
		want: `targets[0].wandb.env.deployment: "WandB" is not a Kubernetes object name (lower-case letters, digits, '-' and '.')`},
	{name: "a file path with source kubernetes is refused", env: "source: kubernetes\n        deployment: wandb-app\n        path: ./wandb.env",
		want: "targets[0].wandb.env: path, dir, output and address do not apply to source: kubernetes"},
	{name: "a deployment with source file is refused", env: "source: file\n        path: ./wandb.env\n        deployment: wandb-app",
		want: "targets[0].wandb.env: kubeconfig, context, namespace, deployment, weightsandbiases and container apply to source: kubernetes only"},
}

func TestKubernetesEnvSourceIsValidated(t *testing.T) {
	if !strings.Contains(goodConfig, fileEnv) {
		t.Fatalf("the good config lacks %q", fileEnv)
	}
	for _, tc := range kubernetesConfigCases {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(goodConfig, fileEnv, "        "+tc.env+"\n", 1)
			_, err := ParseConfig([]byte(text), "/etc/driftd/driftd.yaml", testEnv)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if len(ce.Problems) != 1 || ce.Problems[0] != tc.want {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(ce.Problems, "\n  "), tc.want)
			}
		})
	}
}
