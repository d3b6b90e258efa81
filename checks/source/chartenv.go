package source

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// This file derives the W&B app's env from the values of W&B's operator chart
// (wandb/helm-charts charts/operator-wandb, at 82d5626, chart version 0.43.8)
// and from the W&B operator's custom resource (wandb/operator, apps.wandb.com/v1
// WeightsAndBiases), the way the chart renders it. It reads nothing: the
// callers bring the values from Kubernetes or from Terraform state.

// CheckedEnvKeys are the env keys driftd's checks read. A key among them whose
// value comes from a Secret or ConfigMap reference (valueFrom) cannot be
// derived from values alone, so the derivation refuses it rather than leave
// the key looking unset.
var CheckedEnvKeys = []string{
	"OIDC_CLIENT_ID", "OIDC_ISSUER", "OIDC_AUTH_METHOD",
	"GORILLA_OIDC_CLIENT_ID", "GORILLA_OIDC_ISSUER", "GORILLA_AUTH_METHOD",
	"GORILLA_CORS_ORIGINS", "LOCAL_RESTORE",
}

// operatorChartDefaults is the part of charts/operator-wandb/values.yaml the
// derivation reads (global.host line 14, global.extraEnv line 99,
// global.auth lines 386-398, global.api.enabled line 497, api.env line 589,
// app.install line 776, app.env lines 787-799), plus the wandb-base subchart's own
// defaults every service inherits (charts/wandb-base/values.yaml: global.env,
// global.extraEnv, env, extraEnv), copied as published.
const operatorChartDefaults = `
global:
  host: "http://localhost:8080"
  env: {}
  extraEnv: {}
  auth:
    sessionLengthHours: 720
    jwkUrl: ""
    oidc:
      clientId: ""
      secret: ""
      authMethod: ""
      issuer: ""
      oidcSecret:
        name: ""
        secretKey: "OIDC_SECRET"
  api:
    enabled: false
api:
  env:
    GORILLA_COREWEAVE_OBSERVABILITY_API_KEY:
      valueFrom:
        secretKeyRef:
          name: "gorilla-coreweave-observability"
          key: "GORILLA_COREWEAVE_OBSERVABILITY_API_KEY"
          optional: true
  extraEnv: {}
  containers:
    api:
      env: {}
app:
  install: true
  env:
    GORILLA_LICENSE_CERT_PATH: "/var/app/jwks.json"
    GORILLA_GLUE_VIEW_SPEC_UPDATER_EXECUTABLE: "/usr/local/bin/view-spec-updater-linux"
    GORILLA_GLUE_CONTAINER_PORT: "8083"
    BUCKET_QUEUE: internal://
    GORILLA_TASK_CONFIG_PATH: "/etc/service/gorilla-glue/glue_tasks_local.yaml"
    GORILLA_VIEW_SPEC_UPDATER_EXECUTABLE: "/usr/local/bin/view-spec-updater-linux"
    GORILLA_COREWEAVE_OBSERVABILITY_API_KEY:
      valueFrom:
        secretKeyRef:
          name: "gorilla-coreweave-observability"
          key: "GORILLA_COREWEAVE_OBSERVABILITY_API_KEY"
          optional: true
  extraEnv: {}
  containers:
    app:
      env: {}
`

func parsedDefaults(doc string) map[string]any {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		panic(fmt.Sprintf("chart defaults excerpt does not parse: %v", err))
	}
	return m
}

// OperatorValuesEnv returns the env the W&B backend container gets from the
// operator-wandb chart given these values (user values, laid over the chart's
// defaults as Helm does). The backend is the `app` service (wandb/local) when
// app.install is true, else the `api` service (gorilla) when global.api.enabled.
//
// The result holds the env from the ConfigMaps the chart writes for OIDC and
// CORS (templates/api.yaml, templates/local.yaml) and the literal env entries
// (containers.<svc>.env, <svc>.env, <svc>.extraEnv, global.env,
// global.extraEnv), the latter winning as Kubernetes lets `env` win over
// `envFrom`. Entries with a valueFrom are left out (a Secret's value is not in
// the values); for a key in CheckedEnvKeys that is an error.
func OperatorValuesEnv(values map[string]any) (map[string]string, error) {
	v := coalesceValues(values, parsedDefaults(operatorChartDefaults))
	svc, err := operatorBackendService(v)
	if err != nil {
		return nil, err
	}
	env, err := operatorConfigMapEnv(v, svc)
	if err != nil {
		return nil, err
	}
	literal, err := operatorContainerEnv(v, svc)
	if err != nil {
		return nil, err
	}
	for k, val := range literal {
		env[k] = val
	}
	return env, nil
}

// operatorBackendService picks the Deployment that runs the W&B backend.
// Chart.yaml: the `app` subchart has condition app.install, the `api` subchart
// global.api.enabled.
func operatorBackendService(v map[string]any) (string, error) {
	if truthy(dig(v, "app", "install")) {
		return "app", nil
	}
	if truthy(dig(v, "global", "api", "enabled")) {
		return "api", nil
	}
	return "", fmt.Errorf("deriving the operator chart's env: app.install is false and global.api.enabled is false, so no W&B backend is installed")
}

// operatorConfigMapEnv is the subset of the ConfigMaps the backend reads
// through envFrom that carries the OIDC, CORS and host settings. values.yaml
// lists {{ .Release.Name }}-api-configmap in both api.envFrom and app.envFrom,
// and {{ .Release.Name }}-local-configmap only in app.envFrom.
func operatorConfigMapEnv(v map[string]any, svc string) (map[string]string, error) {
	env, err := operatorAPIConfigMap(v)
	if err != nil {
		return nil, err
	}
	if svc != "app" {
		return env, nil
	}
	local, err := operatorLocalConfigMap(v)
	if err != nil {
		return nil, err
	}
	for k, val := range local {
		env[k] = val
	}
	return env, nil
}

// oidcClientIDSet is the chart's `ne .Values.global.auth.oidc.clientId ""`;
// Go templates refuse to compare a non-string with "", so Helm fails to render.
func oidcClientIDSet(v map[string]any) (bool, error) {
	raw := dig(v, "global", "auth", "oidc", "clientId")
	id, ok := raw.(string)
	if !ok {
		return false, fmt.Errorf("deriving the operator chart's env: global.auth.oidc.clientId is a %T, and the chart's `ne .Values.global.auth.oidc.clientId \"\"` only renders for a string", raw)
	}
	return id != "", nil
}

// operatorAPIConfigMap mirrors charts/operator-wandb/templates/api.yaml:
//
//	{{- $corsOrigins := list }}
//	{{- if ne .Values.global.auth.oidc.clientId "" }}
//	{{- $corsOrigins = concat $corsOrigins (list .Values.global.host "null") | compact }}
//	{{- end }}
//	{{- if .Values.app.extraCors }}
//	{{- $corsOrigins = concat .Values.app.extraCors $corsOrigins | compact }}
//	{{- end }}
//	{{- if gt (len $corsOrigins) 0 }}
//	GORILLA_CORS_ORIGINS: "{{ join "," $corsOrigins }}"
//
// so the origins are app.extraCors first, then the host and the literal
// "null", joined with "," and no space.
func operatorAPIConfigMap(v map[string]any) (map[string]string, error) {
	oidcSet, err := oidcClientIDSet(v)
	if err != nil {
		return nil, err
	}
	host := tmplPrint(dig(v, "global", "host"))
	env := map[string]string{}
	for _, k := range []string{"GORILLA_FILE_HOST", "GORILLA_FRONTEND_HOST"} {
		if env[k], err = manifestQuoted(host, "global.host in "+k); err != nil {
			return nil, fmt.Errorf("deriving the api ConfigMap: %w", err)
		}
	}
	var origins []any
	if oidcSet {
		origins = compactList([]any{dig(v, "global", "host"), "null"})
	}
	if extra := dig(v, "app", "extraCors"); truthy(extra) {
		list, err := sprigList(extra, "app.extraCors")
		if err != nil {
			return nil, fmt.Errorf("deriving GORILLA_CORS_ORIGINS: %w", err)
		}
		origins = compactList(append(list, origins...))
	}
	if len(origins) > 0 {
		if env["GORILLA_CORS_ORIGINS"], err = manifestQuoted(sprigJoin(",", origins), "GORILLA_CORS_ORIGINS"); err != nil {
			return nil, fmt.Errorf("deriving the api ConfigMap: %w", err)
		}
	}
	if !oidcSet {
		return env, nil
	}
	for key, field := range map[string]string{"GORILLA_OIDC_CLIENT_ID": "clientId", "GORILLA_AUTH_METHOD": "authMethod", "GORILLA_OIDC_ISSUER": "issuer"} {
		rendered := tmplPrint(dig(v, "global", "auth", "oidc", field))
		if env[key], err = manifestQuoted(rendered, "global.auth.oidc."+field); err != nil {
			return nil, fmt.Errorf("deriving the api ConfigMap: %w", err)
		}
	}
	return env, nil
}

// operatorLocalConfigMap mirrors charts/operator-wandb/templates/local.yaml,
// whose OIDC lines are unquoted (`OIDC_CLIENT_ID: {{ ...clientId }}`), so the
// rendered text is read as YAML: an empty authMethod becomes "".
func operatorLocalConfigMap(v map[string]any) (map[string]string, error) {
	env := map[string]string{}
	var err error
	if env["HOST"], err = manifestQuoted(tmplPrint(dig(v, "global", "host")), "global.host in HOST"); err != nil {
		return nil, fmt.Errorf("deriving the local ConfigMap: %w", err)
	}
	oidcSet, err := oidcClientIDSet(v)
	if err != nil || !oidcSet {
		return env, err
	}
	for key, field := range map[string]string{"OIDC_CLIENT_ID": "clientId", "OIDC_AUTH_METHOD": "authMethod", "OIDC_ISSUER": "issuer"} {
		rendered := tmplPrint(dig(v, "global", "auth", "oidc", field))
		if env[key], err = manifestScalar(rendered, "global.auth.oidc."+field); err != nil {
			return nil, fmt.Errorf("deriving the local ConfigMap: %w", err)
		}
	}
	return env, nil
}

func compactList(items []any) []any {
	out := make([]any, 0, len(items))
	for _, it := range items {
		if !sprigEmpty(it) {
			out = append(out, it)
		}
	}
	return out
}

// operatorContainerEnv mirrors charts/wandb-base/templates/_containers.tpl:
//
//	$container.env = merge containers.<name>.env .Values.env .Values.extraEnv
//	                       .Values.global.env .Values.global.extraEnv
//
// (the first map that has a key wins) and wandb-base.env, which renders a map
// value as a valueFrom entry and anything else as `value: {{ toString $value |
// quote }}`, the whole block passed through `tpl`. The sizing env
// (api.sizing.<size>.env, lowest precedence) only sets
// GORILLA_MYSQL_MAX_OPEN_CONNS and is not derived.
func operatorContainerEnv(v map[string]any, svc string) (map[string]string, error) {
	var maps []map[string]any
	for _, path := range [][]string{
		{svc, "containers", svc, "env"}, {svc, "env"}, {svc, "extraEnv"},
		{"global", "env"}, {"global", "extraEnv"},
	} {
		m, err := asMap(dig(v, path...), strings.Join(path, "."))
		if err != nil {
			return nil, fmt.Errorf("deriving the %s container's env: %w", svc, err)
		}
		maps = append(maps, m)
	}
	return literalEnv(sprigMerge(maps...), svc)
}

// literalEnv turns a rendered env map into literal values, leaving out
// valueFrom entries and refusing the ones driftd checks.
func literalEnv(merged map[string]any, svc string) (map[string]string, error) {
	keys := make([]string, 0, len(merged))
	for k := range merged {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	env := map[string]string{}
	for _, k := range keys {
		val := merged[k]
		if _, isMap := val.(map[string]any); isMap {
			if isCheckedKey(k) {
				return nil, fmt.Errorf("deriving the %s container's env: %s comes from a valueFrom reference, which only the live cluster can resolve", svc, k)
			}
			continue
		}
		s := sprigToString(val)
		if strings.Contains(s, "{{") {
			return nil, fmt.Errorf("deriving the %s container's env: %s is a Helm template (the chart passes env through tpl), which is not rendered here", svc, k)
		}
		env[k] = s
	}
	return env, nil
}

func isCheckedKey(k string) bool {
	for _, c := range CheckedEnvKeys {
		if c == k {
			return true
		}
	}
	return false
}

// weightsAndBiasesSpecEnv derives the W&B backend's env from the spec of a
// v1 WeightsAndBiases resource as Terraform state holds it (the wandb-cr
// chart's spec value): the operator renders the operator-wandb chart with
// spec.values laid over the chart's values.yaml. A release channel that
// also sets OIDC values is not seen here; the kubernetes source reads the
// live app Deployment instead. spec.values goes through JSON as the
// operator decodes it (api/v1 weightsandbiases_types.go,
// Object.UnmarshalJSON), so numbers are float64.
func weightsAndBiasesSpecEnv(spec map[string]any) (map[string]string, error) {
	values, err := asMap(spec["values"], "spec.values")
	if err != nil {
		return nil, fmt.Errorf("deriving env from WeightsAndBiases: %w", err)
	}
	raw, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("deriving env from WeightsAndBiases: encoding spec.values: %w", err)
	}
	decoded := map[string]any{}
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return nil, fmt.Errorf("deriving env from WeightsAndBiases: decoding spec.values: %w", err)
	}
	env, err := OperatorValuesEnv(decoded)
	if err != nil {
		return nil, fmt.Errorf("deriving env from WeightsAndBiases spec.values: %w", err)
	}
	return env, nil
}
