package helmrender

import (
	"encoding/json"
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
)

// This file derives the W&B app's env from the values of W&B's operator chart
// (wandb/helm-charts charts/operator-wandb, at 82d5626, chart version 0.43.8),
// and from a v1 WeightsAndBiases spec that carries them, by rendering the
// chart's env templates with Helm (engine.go). It reads nothing:
// Terraform state brings the values. A live install is read where it runs
// instead (the kubernetes source).

// operatorChartDefaults is the part of charts/operator-wandb/values.yaml the
// templates read (global.host line 14, global.extraEnv line 99,
// global.auth lines 386-398, global.glue, global.api.enabled line 497,
// api.env line 589, app.install line 776, app.env lines 787-799), copied as
// published.
const operatorChartDefaults = `
global:
  host: "http://localhost:8080"
  extraEnv: {}
  glue:
    enabled: false
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

// operatorAPIConfigMapTemplate is charts/operator-wandb/templates/api.yaml
// at 82d5626, lines 1-4, 7 and 9-26 (the ConfigMap's head without its
// labels, and the host, CORS and OIDC entries), verbatim.
const operatorAPIConfigMapTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-api-configmap
data:
  # GORILLA_FILE_HOST is confusingly used for the oidc client host and must be set to the public host.
  GORILLA_FILE_HOST: "{{ .Values.global.host }}"
  GORILLA_FRONTEND_HOST: "{{ .Values.global.host }}"
  GORILLA_LICENSE_CERT_PATH: "/jwks.json"
  GORILLA_FILE_METADATA_SOURCE_IS_INTERNAL: "true"
  {{- $corsOrigins := list }}
  {{- if ne .Values.global.auth.oidc.clientId "" }}
  {{- $corsOrigins = concat $corsOrigins (list .Values.global.host "null") | compact }}
  {{- end }}
  {{- if .Values.app.extraCors }}
  {{- $corsOrigins = concat .Values.app.extraCors $corsOrigins | compact }}
  {{- end }}
  {{- if gt (len $corsOrigins) 0 }}
  GORILLA_CORS_ORIGINS: "{{ join "," $corsOrigins }}"
  {{- end }}
  {{- if ne .Values.global.auth.oidc.clientId "" }}
  GORILLA_OIDC_CLIENT_ID: "{{ .Values.global.auth.oidc.clientId }}"
  GORILLA_AUTH_METHOD: "{{ .Values.global.auth.oidc.authMethod }}"
  GORILLA_OIDC_ISSUER: "{{ .Values.global.auth.oidc.issuer }}"
  {{- end }}
`

// operatorLocalConfigMapTemplate is charts/operator-wandb/templates/local.yaml
// at 82d5626, lines 1-4 and 7-16 (the ConfigMap's head without its labels,
// HOST and the OIDC entries, which are unquoted), verbatim.
const operatorLocalConfigMapTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-local-configmap
data:
  GLUE_ENABLED: "{{ not .Values.global.glue.enabled }}"
  GORILLA_GLUE_CONTAINER_PORT: "9173"
  HOST: "{{ .Values.global.host }}"

  {{- if ne .Values.global.auth.oidc.clientId ""  }}
  OIDC_CLIENT_ID: {{ .Values.global.auth.oidc.clientId }}
  OIDC_AUTH_METHOD: {{ .Values.global.auth.oidc.authMethod }}
  OIDC_ISSUER: {{ .Values.global.auth.oidc.issuer }}
  {{- end }}
`

// wandbBaseEnvHelper is charts/wandb-base/templates/_containers.tpl at
// 82d5626, lines 183-193 (define "wandb-base.env"), verbatim.
const wandbBaseEnvHelper = `{{- define "wandb-base.env" -}}
{{- range $key, $value := .env -}}
{{- if kindIs "map" $value }}
- name: {{ $key }}
{{- toYaml $value | nindent 2 }}
{{- else }}
- name: {{ $key }}
  value: {{ toString $value | quote }}
{{- end -}}
{{- end -}}
{{- end -}}
`

// wandbBaseContainersTemplate renders each container's env as
// charts/wandb-base/templates/_containers.tpl at 82d5626 builds it, with
// the chart's own lines, verbatim: of define "wandb-base.containers" lines
// 5-6 (range over the containers), 28-30 (the container dict), 36-37 (the
// env merge and root) and 95-97; of define "wandb-base.container" lines
// 98-99 (the name) and 100, 104-106 (`tpl (include "wandb-base.env" ...)`).
// The lines between, which build volumes, resources, ports and envTpls,
// are left out, as is the sizing env (lowest precedence; it only sets
// GORILLA_MYSQL_MAX_OPEN_CONNS). The document's top is this file's own: a
// list of containers called as charts/wandb-base/templates/_pods.tpl line
// 23 calls the define.
const wandbBaseContainersTemplate = `{{- define "wandb-base.containers" -}}
  {{- range $containerName, $containerSource := .containers -}}
      {{- $container := dict }}
      {{- $_ := deepCopy $containerSource | merge $container -}}
      {{- $_ = set $container "name" $containerName -}}
      {{- $_ = set $container "env" (merge (default (dict) ($container.env)) (default (dict) ($.root.Values.env)) $.root.Values.extraEnv $.root.Values.global.env $.root.Values.global.extraEnv) -}}
      {{- $_ = set $container "root" $.root -}}
      {{ include "wandb-base.container" $container }}
    {{- end -}}
{{- end -}}

{{- define "wandb-base.container" }}
- name: {{ .name }}
  env:
  {{- if .env }}
    {{- tpl (include "wandb-base.env" . | nindent 4) $.root }}
  {{- end }}
{{- end }}
containers:
    {{- include "wandb-base.containers" (dict "containers" .Values.containers "root" $ "source" "containers") | nindent 4 }}
`

// wandbBaseDefaults is the part of charts/wandb-base/values.yaml (0.12.4)
// the env template reads, as published.
const wandbBaseDefaults = `
global:
  env: {}
  extraEnv: {}
env: {}
envFrom: {}
extraEnv: {}
`

// operatorChart is the operator-wandb chart (0.43.8) reduced to what builds
// the backend's env: its api and local ConfigMaps, and the wandb-base
// subchart under the aliases app (condition app.install) and api
// (condition global.api.enabled) as charts/operator-wandb/Chart.yaml
// declares them. A new chart each time: rendering processes its
// dependencies in place.
func operatorChart() *chart.Chart {
	base := &chart.Chart{
		Metadata:  &chart.Metadata{APIVersion: "v2", Name: "wandb-base", Version: "0.12.4", Type: "application"},
		Values:    parsedDefaults(wandbBaseDefaults),
		Templates: []*chart.File{chartFile("templates/_containers.tpl", wandbBaseEnvHelper), chartFile("templates/containers.yaml", wandbBaseContainersTemplate)},
	}
	ch := &chart.Chart{
		Metadata: &chart.Metadata{APIVersion: "v2", Name: "operator-wandb", Version: "0.43.8", Type: "application",
			Dependencies: []*chart.Dependency{
				{Name: "wandb-base", Alias: "app", Version: "0.12.4", Condition: "app.install"},
				{Name: "wandb-base", Alias: "api", Version: "0.12.4", Condition: "global.api.enabled"},
			}},
		Values:    parsedDefaults(operatorChartDefaults),
		Templates: []*chart.File{chartFile("templates/api.yaml", operatorAPIConfigMapTemplate), chartFile("templates/local.yaml", operatorLocalConfigMapTemplate)},
	}
	ch.AddDependency(base)
	return ch
}

// OperatorValuesEnv returns the env the W&B backend container gets from the
// operator-wandb chart given these values, rendered by Helm (renderChart)
// over the chart's templates that build it. The backend is the `app`
// service (wandb/local) when app.install is true, else the `api` service
// (gorilla) when global.api.enabled.
//
// The result holds the env from the ConfigMaps the chart writes for OIDC and
// CORS (values.yaml lists {{ .Release.Name }}-api-configmap in both
// api.envFrom and app.envFrom, and {{ .Release.Name }}-local-configmap only
// in app.envFrom) and the container's literal env entries, the latter
// winning as Kubernetes lets `env` win over `envFrom`. Entries with a
// valueFrom are left out (a Secret's value is not in the values); for a key
// in checks.EnvKeys that is an error.
func OperatorValuesEnv(values map[string]any) (map[string]string, error) {
	out, err := renderChart(operatorChart(), values, "wandb")
	if err != nil {
		return nil, fmt.Errorf("deriving the operator chart's env: %w", err)
	}
	svc := ""
	for _, s := range []string{"app", "api"} {
		if _, ok := out["operator-wandb/charts/"+s+"/templates/containers.yaml"]; ok {
			svc = s
			break
		}
	}
	if svc == "" {
		return nil, fmt.Errorf("deriving the operator chart's env: app.install is false and global.api.enabled is false, so no W&B backend is installed")
	}
	env, err := configMapData(out, "operator-wandb/templates/api.yaml")
	if err != nil {
		return nil, fmt.Errorf("deriving the operator chart's env: %w", err)
	}
	if svc == "app" {
		local, err := configMapData(out, "operator-wandb/templates/local.yaml")
		if err != nil {
			return nil, fmt.Errorf("deriving the operator chart's env: %w", err)
		}
		for k, v := range local {
			env[k] = v
		}
	}
	literal, err := containerEnv(out, "operator-wandb/charts/"+svc+"/templates/containers.yaml", []string{"containers"}, svc)
	if err != nil {
		return nil, fmt.Errorf("deriving the operator chart's env: %w", err)
	}
	for k, v := range literal {
		env[k] = v
	}
	return env, nil
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
