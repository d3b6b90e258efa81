package source

import (
	"fmt"
)

// legacyChartDefaults is the part of wandb/helm-charts charts/wandb/values.yaml
// (chart version 0.3.9, last changed at 5f9860ed) the derivation reads: host
// (line 24), extraEnv (line 31) and sso (lines 70-80), copied as published.
// extraCors has no default there.
const legacyChartDefaults = `
host:
extraEnv:
sso:
  enabled: false
  autoProvision: true
  issuer:
  method: implicit
  clientId:
  clientSecret:
`

// LegacyChartEnv returns the env of the `wandb` container of W&B's legacy
// `wandb` chart given these values, following
// charts/wandb/templates/deployment.yaml: the sso.* entries when sso.enabled,
// GORILLA_CORS_ORIGINS from extraCors (one string, written as it is), HOST,
// then the list-shaped extraEnv ([{name, value}]) appended last, so an
// extraEnv entry wins over a chart entry of the same name as Kubernetes lets
// the last duplicate in `env` win. valueFrom entries are left out; for a key in
// CheckedEnvKeys that is an error.
func LegacyChartEnv(values map[string]any) (map[string]string, error) {
	v := coalesceValues(values, parsedDefaults(legacyChartDefaults))
	env := map[string]string{}
	if err := legacySSOEnv(v, env); err != nil {
		return nil, err
	}
	// {{- if .Values.extraCors }} - name: GORILLA_CORS_ORIGINS value: {{ .Values.extraCors }}
	if extra := v["extraCors"]; truthy(extra) {
		s, err := manifestScalar(tmplPrint(extra), "extraCors")
		if err != nil {
			return nil, fmt.Errorf("deriving the legacy chart's env: %w", err)
		}
		env["GORILLA_CORS_ORIGINS"] = s
	}
	// value: {{ .Values.host | default "http://localhost:8080" }}
	host := v["host"]
	if !truthy(host) {
		host = "http://localhost:8080"
	}
	s, err := manifestScalar(tmplPrint(host), "host")
	if err != nil {
		return nil, fmt.Errorf("deriving the legacy chart's env: %w", err)
	}
	env["HOST"] = s
	if err := legacyExtraEnv(v["extraEnv"], env); err != nil {
		return nil, fmt.Errorf("deriving the legacy chart's env: %w", err)
	}
	return env, nil
}

// legacySSOEnv mirrors the `{{- if .Values.sso.enabled }}` block: OIDC_ISSUER,
// OIDC_AUTH_METHOD (`default "implicit" .Values.sso.method`), OIDC_CLIENT_ID,
// each unquoted, and GORILLA_DISABLE_SSO_PROVISIONING "{{ not autoProvision }}".
// OIDC_CLIENT_SECRET is a secretKeyRef and is not derived.
func legacySSOEnv(v map[string]any, env map[string]string) error {
	sso, err := asMap(v["sso"], "sso")
	if err != nil {
		return fmt.Errorf("deriving the legacy chart's env: %w", err)
	}
	if !truthy(sso["enabled"]) {
		return nil
	}
	method := sso["method"]
	if !truthy(method) {
		method = "implicit"
	}
	for key, raw := range map[string]any{"OIDC_ISSUER": sso["issuer"], "OIDC_AUTH_METHOD": method, "OIDC_CLIENT_ID": sso["clientId"]} {
		s, err := manifestScalar(tmplPrint(raw), "sso value for "+key)
		if err != nil {
			return fmt.Errorf("deriving the legacy chart's env: %w", err)
		}
		env[key] = s
	}
	env["GORILLA_DISABLE_SSO_PROVISIONING"] = fmt.Sprint(!truthy(sso["autoProvision"]))
	return nil
}

// legacyExtraEnv applies the chart's `{{- toYaml .Values.extraEnv | nindent 12 }}`:
// a list of Kubernetes EnvVar objects, in order, later names winning. A value
// that is not a string is refused by the API server (EnvVar.value is a string),
// so it is an error here.
func legacyExtraEnv(raw any, env map[string]string) error {
	if raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return fmt.Errorf("extraEnv is a %T; the legacy chart takes a list of {name, value}", raw)
	}
	for i, item := range list {
		entry, ok := item.(map[string]any)
		if !ok {
			return fmt.Errorf("extraEnv[%d] is a %T, not a {name, value} map", i, item)
		}
		name, ok := entry["name"].(string)
		if !ok || name == "" {
			return fmt.Errorf("extraEnv[%d] has no name", i)
		}
		if _, ref := entry["valueFrom"]; ref {
			if isCheckedKey(name) {
				return fmt.Errorf("extraEnv %s comes from a valueFrom reference, which only the live cluster can resolve", name)
			}
			delete(env, name)
			continue
		}
		switch value := entry["value"].(type) {
		case nil:
			env[name] = ""
		case string:
			env[name] = value
		default:
			return fmt.Errorf("extraEnv %s has a %T value; Kubernetes only accepts a string", name, value)
		}
	}
	return nil
}
