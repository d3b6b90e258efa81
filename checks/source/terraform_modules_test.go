package source

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/driftd/driftd/internal/envassert"
)

// Synthetic `terraform show -json` documents shaped like the state each of
// W&B's published modules leaves, called from a root module as its README
// shows. Helm provider 2.x state (the modules pin hashicorp/helm "< 3.0.0"
// or "~> 2.10"): values a list of strings, set and set_sensitive lists of
// {name, type, value}. Spec texts are what Terraform's yamlencode writes
// (quoted keys and strings, sorted keys).

// awsSpec is wandb/terraform-aws-wandb main.tf local.spec with OIDC passed
// the only way the module allows, var.other_wandb_env into global.extraEnv.
const awsSpec = `"values":
  "global":
    "cloudProvider": "aws"
    "extraEnv":
      "OIDC_AUTH_METHOD": "pkce"
      "OIDC_CLIENT_ID": "0oa-aws"
      "OIDC_ISSUER": "https://acme.okta.com"
    "host": "https://wandb.acme.com"
    "size": "small"
`

// googleSpec is wandb/terraform-google-wandb main.tf local.spec:
// global.extraEnv = merge({...}, var.other_wandb_env, local.oidc_envs).
const googleSpec = `"values":
  "global":
    "cloudProvider": "gcp"
    "extraEnv":
      "GORILLA_CUSTOMER_SECRET_STORE_SOURCE": "gcp-secretmanager://acme-project?namespace=wandb"
      "GORILLA_DISABLE_CODE_SAVING": "false"
      "OIDC_AUTH_METHOD": "implicit"
      "OIDC_CLIENT_ID": "0oa-gcp"
      "OIDC_ISSUER": "https://acme.okta.com"
      "OIDC_SECRET": "never-printed"
      "TAG_CUSTOMER_NS": "wandb"
    "host": "https://wandb.acme.com"
`

// helmSpec is a spec as a direct caller of wandb/terraform-helm-wandb
// writes it for the operator chart: auth.oidc and app.extraCors.
const helmSpec = `"values":
  "app":
    "extraCors":
    - "https://notebooks.acme.com"
  "global":
    "auth":
      "oidc":
        "authMethod": "pkce"
        "clientId": "0oa-helm"
        "issuer": "https://acme.okta.com"
    "host": "https://wandb.acme.com"
`

// wandbCRRelease is terraform-helm-wandb main.tf helm_release.wandb[0].
func wandbCRRelease(address, spec string) map[string]any {
	return map[string]any{
		"address": address, "mode": "managed", "type": "helm_release", "name": "wandb", "index": 0,
		"provider_name": "registry.terraform.io/hashicorp/helm",
		"values": map[string]any{
			"name": "wandb-cr", "chart": "wandb-cr", "namespace": "default", "values": []any{},
			"set":           []any{map[string]any{"name": "name", "type": "", "value": "wandb"}, map[string]any{"name": "spec", "type": "string", "value": spec}},
			"set_sensitive": []any{}, "set_list": []any{},
		},
	}
}

// operatorRelease is terraform-helm-wandb main.tf helm_release.operator[0].
func operatorRelease(prefix string) map[string]any {
	return map[string]any{
		"address": prefix + "helm_release.operator[0]", "mode": "managed", "type": "helm_release", "name": "operator", "index": 0,
		"values": map[string]any{"name": "operator", "chart": "operator", "values": []any{}, "set": []any{
			map[string]any{"name": "image.tag", "type": "", "value": "1.13.0"},
			map[string]any{"name": "image.repository", "type": "", "value": "wandb/controller"}}},
	}
}

// wandbDeployment is terraform-kubernetes-wandb main.tf
// kubernetes_deployment.wandb as the kubernetes provider records it.
func wandbDeploymentState(address, replicas string, otherEnv ...map[string]any) map[string]any {
	env := []any{
		map[string]any{"name": "LOCAL_RESTORE", "value": "false", "value_from": []any{}},
		map[string]any{"name": "HOST", "value": "https://wandb.acme.com", "value_from": []any{}},
		map[string]any{"name": "OIDC_CLIENT_ID", "value": "0oa-k8s", "value_from": []any{}},
		map[string]any{"name": "OIDC_SECRET", "value": "", "value_from": []any{map[string]any{
			"secret_key_ref": []any{map[string]any{"name": "wandb", "key": "OIDC_SECRET", "optional": false}}}}},
		map[string]any{"name": "OIDC_AUTH_METHOD", "value": "implicit", "value_from": []any{}},
		map[string]any{"name": "OIDC_ISSUER", "value": "https://acme.okta.com", "value_from": []any{}},
	}
	for _, e := range otherEnv {
		env = append(env, e)
	}
	return map[string]any{
		"address": address, "mode": "managed", "type": "kubernetes_deployment", "name": "wandb",
		"values": map[string]any{"spec": []any{map[string]any{"replicas": replicas, "template": []any{map[string]any{
			"spec": []any{map[string]any{"container": []any{map[string]any{"name": "wandb", "env": env}}}}}}}}},
	}
}

// showJSON nests modules: path is the module addresses from the root down,
// the resources go in the innermost.
func showJSON(t *testing.T, resources map[string][]map[string]any) *tfjson.State {
	t.Helper()
	root := map[string]any{"resources": resources[""]}
	mods := map[string]map[string]any{"": root}
	// Parents first: "module.a" before "module.a.module.b".
	var paths []string
	for p := range resources {
		if p != "" {
			paths = append(paths, p)
		}
	}
	for len(paths) > 0 {
		var rest []string
		for _, p := range paths {
			parent := p[:max(strings.LastIndex(p, ".module."), 0)]
			pm, ok := mods[parent]
			if !ok {
				rest = append(rest, p)
				continue
			}
			m := map[string]any{"address": p, "resources": resources[p]}
			mods[p] = m
			children, _ := pm["child_modules"].([]any)
			pm["child_modules"] = append(children, m)
		}
		if len(rest) == len(paths) {
			t.Fatalf("modules without parents: %v", rest)
		}
		paths = rest
	}
	raw, err := json.Marshal(map[string]any{"format_version": "1.0", "terraform_version": "1.5.7", "values": map[string]any{"root_module": root}})
	if err != nil {
		t.Fatal(err)
	}
	var st tfjson.State
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

var moduleCases = []struct {
	name      string
	resources map[string][]map[string]any
	address   string
	want      map[string]string
	absent    []string
	err       []string
}{
	{
		// wandb/terraform-aws-wandb e1363b6 main.tf: module "wandb"
		// { source = "wandb/wandb/helm", version = "3.0.0", spec = local.spec }.
		name: "terraform-aws-wandb's operator release is read through two nested modules and the unindexed address",
		resources: map[string][]map[string]any{
			"module.wandb":                     {},
			"module.wandb.module.file_storage": {{"address": "module.wandb.module.file_storage.aws_s3_bucket.file_storage", "mode": "managed", "type": "aws_s3_bucket", "name": "file_storage", "values": map[string]any{}}},
			"module.wandb.module.wandb":        {wandbCRRelease("module.wandb.module.wandb.helm_release.wandb[0]", awsSpec), operatorRelease("module.wandb.module.wandb.")},
		},
		address: "module.wandb.module.wandb.helm_release.wandb",
		want:    map[string]string{"OIDC_CLIENT_ID": "0oa-aws", "OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "pkce", "HOST": "https://wandb.acme.com"},
		// global.auth.oidc.clientId stays "", so the chart writes no CORS origins.
		absent: []string{"GORILLA_CORS_ORIGINS", "GORILLA_OIDC_CLIENT_ID"},
	},
	{
		// wandb/terraform-google-wandb 146d49a main.tf: module "wandb"
		// (wandb/wandb/helm 3.0.0) and module "gke_app" (wandb/wandb/kubernetes
		// 1.14.1, wandb_replicas = 0).
		name: "terraform-google-wandb's operator release is read with its indexed address, OIDC from extraEnv",
		resources: map[string][]map[string]any{
			"module.wandb":                {},
			"module.wandb.module.wandb":   {wandbCRRelease("module.wandb.module.wandb.helm_release.wandb[0]", googleSpec), operatorRelease("module.wandb.module.wandb.")},
			"module.wandb.module.gke_app": {wandbDeploymentState("module.wandb.module.gke_app.kubernetes_deployment.wandb", "0")},
		},
		address: "module.wandb.module.wandb.helm_release.wandb[0]",
		want:    map[string]string{"OIDC_CLIENT_ID": "0oa-gcp", "OIDC_AUTH_METHOD": "implicit", "TAG_CUSTOMER_NS": "wandb"},
		absent:  []string{"GORILLA_CORS_ORIGINS"},
	},
	{
		name: "terraform-google-wandb's scaled-to-zero gke_app deployment is refused, pointing at the release",
		resources: map[string][]map[string]any{
			"module.wandb":                {},
			"module.wandb.module.wandb":   {wandbCRRelease("module.wandb.module.wandb.helm_release.wandb[0]", googleSpec)},
			"module.wandb.module.gke_app": {wandbDeploymentState("module.wandb.module.gke_app.kubernetes_deployment.wandb", "0")},
		},
		address: "module.wandb.module.gke_app.kubernetes_deployment.wandb",
		err:     []string{"scaled to zero", "module.wandb.module.wandb.helm_release.wandb[0]"},
	},
	{
		// wandb/terraform-kubernetes-wandb 0d29fa5 main.tf, called as
		// module "wandb_app" by the pre-operator AWS examples.
		name: "terraform-kubernetes-wandb's pre-operator deployment is read, other_wandb_env last",
		resources: map[string][]map[string]any{
			"module.wandb_app": {wandbDeploymentState("module.wandb_app.kubernetes_deployment.wandb", "1",
				map[string]any{"name": "GORILLA_CORS_ORIGINS", "value": "https://wandb.acme.com,null", "value_from": []any{}},
				map[string]any{"name": "OIDC_AUTH_METHOD", "value": "pkce", "value_from": []any{}})},
		},
		address: "module.wandb_app.kubernetes_deployment.wandb",
		want:    map[string]string{"OIDC_CLIENT_ID": "0oa-k8s", "OIDC_AUTH_METHOD": "pkce", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com,null", "LOCAL_RESTORE": "false"},
		absent:  []string{"OIDC_SECRET"},
	},
	{
		// wandb/terraform-helm-wandb b4394ac main.tf, called as module "wandb".
		name: "terraform-helm-wandb's wandb-cr release derives CORS from auth.oidc and app.extraCors",
		resources: map[string][]map[string]any{
			"module.wandb": {operatorRelease("module.wandb."), wandbCRRelease("module.wandb.helm_release.wandb[0]", helmSpec)},
		},
		address: "module.wandb.helm_release.wandb",
		want: map[string]string{"OIDC_CLIENT_ID": "0oa-helm", "GORILLA_OIDC_ISSUER": "https://acme.okta.com", "GORILLA_AUTH_METHOD": "pkce",
			"GORILLA_CORS_ORIGINS": "https://notebooks.acme.com,https://wandb.acme.com,null"},
	},
	{
		// wandb/helm-charts charts/wandb (the legacy chart) in a root helm_release.
		name: "the legacy wandb chart's sso values, list extraEnv and extraCors are read",
		resources: map[string][]map[string]any{"": {{
			"address": "helm_release.wandb", "mode": "managed", "type": "helm_release", "name": "wandb",
			"values": map[string]any{
				"values": []any{"host: https://wandb.acme.com\nsso:\n  enabled: true\n  issuer: https://acme.okta.com\n  clientId: 0oa-legacy\nextraCors: https://wandb.acme.com,null\nextraEnv:\n- name: OIDC_AUTH_METHOD\n  value: pkce\n"},
				"set":    []any{}, "set_sensitive": []any{map[string]any{"name": "sso.clientSecret", "type": "", "value": "never-printed"}},
			}}}},
		address: "helm_release.wandb",
		want:    map[string]string{"OIDC_CLIENT_ID": "0oa-legacy", "OIDC_ISSUER": "https://acme.okta.com", "OIDC_AUTH_METHOD": "pkce", "GORILLA_CORS_ORIGINS": "https://wandb.acme.com,null"},
	},
	{
		name: "a wrong address lists the resources driftd can read",
		resources: map[string][]map[string]any{
			"module.wandb": {wandbCRRelease("module.wandb.helm_release.wandb[0]", helmSpec)},
		},
		address: "helm_release.wandb",
		err:     []string{"no resource helm_release.wandb in the state", "module.wandb.helm_release.wandb[0]"},
	},
}

func TestEnvFromStateOfWandbsPublishedModules(t *testing.T) {
	useHelmRender(t)
	for _, tc := range moduleCases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := EnvFromState(context.Background(), showJSON(t, tc.resources), "", tc.address)
			if len(tc.err) > 0 {
				if err == nil {
					t.Fatalf("read %d vars, want an error", len(env))
				}
				for _, s := range tc.err {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			envassert.Env(t, env, tc.want, tc.absent)
		})
	}
}
