package source

import (
	"fmt"

	"github.com/driftd/driftd/checks"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// operatorOIDCFields maps the v2 resource's spec.wandb.oidc fields to the
// env the operator gives the backend from them (wandb/operator
// hack/testing-manifests/server-manifest/*/manifest.yaml, commonEnvs
// gorillaOnprem: GORILLA_OIDC_CLIENT_ID from spec.wandb.oidc.clientId,
// GORILLA_OIDC_ISSUER from spec.wandb.oidc.issuerUrl, GORILLA_AUTH_METHOD
// from spec.wandb.oidc.authMethod), and to the v1 values the operator-wandb
// chart reads for the same settings (global.auth.oidc.*).
var operatorOIDCFields = []struct{ env, v2, v1 string }{
	{checks.EnvGorillaClientID, "clientId", "clientId"},
	{checks.EnvGorillaIssuer, "issuerUrl", "issuer"},
	{checks.EnvGorillaAuthMethod, "authMethod", "authMethod"},
}

// LegacyOverridesPath is where a v2 WeightsAndBiases resource configures
// the checked env that has no field of its own (CORS origins,
// LOCAL_RESTORE). deploy/terraform/operator does not manage it under
// operator_api = "v2": it writes only the Secret keys spec.wandb.oidc names.
const LegacyOverridesPath = "spec.wandb.legacyOverrides"

// operatorWhere says where each checked setting of a WeightsAndBiases
// resource is configured, for the findings to name: under v2 the Secret
// key each spec.wandb.oidc field points at, and spec.wandb.legacyOverrides
// for CORS (v2 has no field of its own for it: the operator's reconciler
// applies legacyOverrides env last, internal/controller/reconciler
// legacy_overrides.go); under v1 the spec.values paths of the
// operator-wandb chart.
func operatorWhere(gvr schema.GroupVersionResource, ns, name string, cr map[string]any, d *appsv1.Deployment, c *corev1.Container) map[string]string {
	res := "WeightsAndBiases " + ns + "/" + name
	where := map[string]string{}
	if gvr.Version == WeightsAndBiasesV1.Version {
		for _, f := range operatorOIDCFields {
			where[f.env] = res + " spec.values.global.auth.oidc." + f.v1
		}
		where[checks.EnvCORSOrigins] = res + " spec.values.app.extraCors (or spec.values.global.extraEnv)"
		where[checks.EnvLocalRestore] = res + " spec.values.global.extraEnv"
		return where
	}
	for _, f := range operatorOIDCFields {
		where[f.env] = v2OIDCWhere(res, ns, f.v2, cr, d, c, f.env)
	}
	where[checks.EnvCORSOrigins] = res + " " + LegacyOverridesPath + " (env GORILLA_CORS_ORIGINS under api or global)"
	where[checks.EnvLocalRestore] = res + " " + LegacyOverridesPath + " (env LOCAL_RESTORE under api or global)"
	return where
}

// v2OIDCWhere names the Secret key a spec.wandb.oidc field points at, and
// says so when the app Deployment does not read that key yet: the
// operator has not applied the resource's current spec.
func v2OIDCWhere(res, ns, field string, cr map[string]any, d *appsv1.Deployment, c *corev1.Container, env string) string {
	path := "spec.wandb.oidc." + field
	secret, _, _ := unstructured.NestedString(cr, "spec", "wandb", "oidc", field, "name")
	key, _, _ := unstructured.NestedString(cr, "spec", "wandb", "oidc", field, "key")
	if secret == "" || key == "" {
		return fmt.Sprintf("%s %s (unset: point it at a Secret key)", res, path)
	}
	out := fmt.Sprintf("Secret %s/%s key %s (%s %s)", ns, secret, key, res, path)
	for _, v := range c.Env {
		if v.Name != env {
			continue
		}
		if ref := secretRef(v); ref == nil || ref.Name != secret || ref.Key != key {
			out += fmt.Sprintf("; deployment %s does not read that key yet, so the operator has not applied the resource's current %s", d.Name, path)
		}
		return out
	}
	return out + fmt.Sprintf("; deployment %s does not set %s, so the operator has not applied the resource's current %s", d.Name, env, path)
}

// operatorSecretKeys says which Secret key each spec.wandb.oidc field of a
// v2 resource names, by the env it feeds ("namespace/name/key"): the place
// a fix writes. Under v1, and for an unset selector, there is none.
func operatorSecretKeys(gvr schema.GroupVersionResource, ns string, cr map[string]any) map[string]string {
	out := map[string]string{}
	if gvr.Version != WeightsAndBiasesV2.Version {
		return out
	}
	for _, f := range operatorOIDCFields {
		secret, _, _ := unstructured.NestedString(cr, "spec", "wandb", "oidc", f.v2, "name")
		key, _, _ := unstructured.NestedString(cr, "spec", "wandb", "oidc", f.v2, "key")
		if secret != "" && key != "" {
			out[f.env] = ns + "/" + secret + "/" + key
		}
	}
	return out
}

func secretRef(v corev1.EnvVar) *corev1.SecretKeySelector {
	if v.ValueFrom == nil {
		return nil
	}
	return v.ValueFrom.SecretKeyRef
}
