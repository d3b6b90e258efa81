package source

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/driftd/driftd/checks"
	tfjson "github.com/hashicorp/terraform-json"
)

// This file reads W&B's own Terraform modules as they are published
// (wandb/terraform-aws-wandb e1363b6, terraform-google-wandb 146d49a,
// terraform-kubernetes-wandb 0d29fa5, terraform-helm-wandb b4394ac):
// resources in nested modules (module.wandb.module.wandb.helm_release.wandb[0]),
// a helm_release whose values arrive as YAML text in a set, and the
// pre-operator kubernetes_deployment.

// instanceKey is a resource instance's trailing `[0]` or `["key"]`.
var instanceKey = regexp.MustCompile(`\[[^\[\]]*\]$`)

// findStateResource finds the resource at address anywhere in the module
// tree. An address without an instance key also matches the only instance of
// a counted resource (W&B's helm module writes helm_release.wandb[0], with
// `moved` blocks from the unindexed address). When nothing matches, the
// error lists the state's resources driftd can read env from.
func findStateResource(root *tfjson.StateModule, address string) (*tfjson.StateResource, error) {
	all := stateResources(root)
	var instances []*tfjson.StateResource
	for _, r := range all {
		if r.Address == address {
			return r, nil
		}
		if !instanceKey.MatchString(address) && instanceKey.ReplaceAllString(r.Address, "") == address {
			instances = append(instances, r)
		}
	}
	switch len(instances) {
	case 1:
		return instances[0], nil
	case 0:
		var readable []string
		for _, r := range all {
			if envResourceType(r.Type) && r.Mode != tfjson.DataResourceMode {
				readable = append(readable, r.Address)
			}
		}
		sort.Strings(readable)
		if len(readable) == 0 {
			return nil, fmt.Errorf("no resource %s in the state", address)
		}
		return nil, fmt.Errorf("no resource %s in the state; resources driftd can read env from: %s", address, strings.Join(readable, ", "))
	}
	names := make([]string, len(instances))
	for i, r := range instances {
		names[i] = r.Address
	}
	return nil, fmt.Errorf("%s has %d instances in the state (%s): name one", address, len(instances), strings.Join(names, ", "))
}

func stateResources(m *tfjson.StateModule) []*tfjson.StateResource {
	if m == nil {
		return nil
	}
	out := append([]*tfjson.StateResource(nil), m.Resources...)
	for _, c := range m.ChildModules {
		out = append(out, stateResources(c)...)
	}
	return out
}

func envResourceType(t string) bool {
	switch t {
	case "helm_release", "kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_deployment",
		"kubernetes_deployment_v1", "kubernetes_stateful_set", "kubernetes_stateful_set_v1":
		return true
	}
	return false
}

// helmStateEnv reads a helm_release from state (hashicorp/helm 2.x, as W&B's
// modules pin it: `values` a list of YAML documents, `set` and
// `set_sensitive` lists of {name, value, type}, `set_list` of {name,
// value}), and has driftd-helm-render (internal/helmrender, Helm's own
// code in its own process) combine them as the provider does and derive the
// env of the W&B chart they configure. A release that configures none of
// W&B's charts is read the old generic way (env and extraEnv maps).
func helmStateEnv(ctx context.Context, attrs map[string]any) (map[string]string, error) {
	req := helmRenderRequest{Values: []string{}, Sets: []helmSet{}}
	for _, v := range asAnyList(attrs["values"]) {
		if s, ok := v.(string); ok {
			req.Values = append(req.Values, s)
		}
	}
	for _, block := range []string{"set", "set_list", "set_sensitive"} {
		for _, s := range asList(attrs[block]) {
			hs := helmSet{Block: block}
			hs.Name, _ = s["name"].(string)
			hs.Type, _ = s["type"].(string)
			if block == "set_list" {
				for _, item := range asAnyList(s["value"]) {
					hs.List = append(hs.List, fmt.Sprint(item))
				}
			} else if s["value"] != nil {
				hs.Value = fmt.Sprint(s["value"])
			}
			req.Sets = append(req.Sets, hs)
		}
	}
	resp, err := renderHelmRelease(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("reading the helm release's values: %w", err)
	}
	if !resp.WandbChart {
		return helmEnv(attrs)
	}
	return resp.Env, nil
}

func asAnyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// moduleDeploymentEnv reads a kubernetes_deployment's container env from
// state: the `wandb` container of terraform-kubernetes-wandb's
// kubernetes_deployment.wandb (main.tf: env blocks, the secrets as
// value_from.secret_key_ref to Secret `wandb`, then other_wandb_env), later
// entries winning as Kubernetes lets them. A value_from entry has no value in
// state; for a key the checks read that is an error. A Deployment scaled to
// zero runs nothing (terraform-google-wandb keeps module.gke_app at
// wandb_replicas = 0 next to the operator), so reading it is an error that
// points at the helm releases in the state.
func moduleDeploymentEnv(state *tfjson.State, address string, attrs map[string]any) (map[string]string, error) {
	for _, spec := range asList(attrs["spec"]) {
		if r := fmt.Sprint(spec["replicas"]); r == "0" {
			return nil, fmt.Errorf("%s is scaled to zero (replicas 0), so W&B does not run from it%s", address, helmHint(state))
		}
	}
	out := map[string]string{}
	for _, spec := range asList(attrs["spec"]) {
		for _, tmpl := range asList(spec["template"]) {
			for _, pod := range asList(tmpl["spec"]) {
				for _, c := range asList(pod["container"]) {
					if err := stateContainerEnv(c, out); err != nil {
						return nil, fmt.Errorf("%s: %w", address, err)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the deployment's containers have no env")
	}
	return out, nil
}

func stateContainerEnv(c map[string]any, out map[string]string) error {
	for _, e := range asList(c["env"]) {
		name, _ := e["name"].(string)
		if name == "" {
			continue
		}
		if len(asList(e["value_from"])) > 0 {
			if isCheckedKey(name) {
				return fmt.Errorf("%s comes from value_from, which only the live cluster can resolve: use source: kubernetes", name)
			}
			delete(out, name)
			continue
		}
		val, _ := e["value"].(string)
		out[name] = val
	}
	return nil
}

func helmHint(state *tfjson.State) string {
	if state == nil || state.Values == nil {
		return ""
	}
	var releases []string
	for _, r := range stateResources(state.Values.RootModule) {
		if r.Type == "helm_release" {
			releases = append(releases, r.Address)
		}
	}
	if len(releases) == 0 {
		return ""
	}
	sort.Strings(releases)
	return ": read the release that runs it instead (" + strings.Join(releases, ", ") + ")"
}

// isCheckedKey reports whether the checks read env key k (checks.EnvKeys):
// a source that cannot know its value says so instead of leaving it unset.
func isCheckedKey(k string) bool { return slices.Contains(checks.EnvKeys, k) }
