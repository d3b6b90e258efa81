package helmrender

import (
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
)

// legacyChartDefaults is the part of wandb/helm-charts charts/wandb/values.yaml
// (chart version 0.3.9, last changed at 5f9860ed) the template reads: host
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

// legacyFullnameHelper is charts/wandb/templates/_helpers.tpl at 5f9860ed,
// lines 13-24 (define "wandb.fullname"), verbatim: the OIDC client secret's
// Secret is named with it.
const legacyFullnameHelper = `{{- define "wandb.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
`

// legacyEnvTemplate is the `wandb` container's env in
// charts/wandb/templates/deployment.yaml at 5f9860ed: lines 68-84 (the sso
// block), 103-106 (extraCors), 122-123 (HOST) and 154-156 (extraEnv, a
// list of EnvVar objects, appended last), verbatim and at their indentation,
// under the container's own lines 51 (`- name: {{ .Chart.Name }}`) and 52
// (`env:`) and a document head that nests them as the Deployment does.
const legacyEnvTemplate = `spec:
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          env:
            {{- if .Values.sso.enabled }}
            - name: OIDC_ISSUER
              value: {{ .Values.sso.issuer }}
            - name: OIDC_AUTH_METHOD
              value: {{ default "implicit" .Values.sso.method }}
            - name: OIDC_CLIENT_ID
              value: {{ .Values.sso.clientId }}
            {{- if .Values.sso.clientSecret }}
            - name: OIDC_CLIENT_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ include "wandb.fullname" . }}-secrets
                  key: CLIENT_SECRET
            {{- end }}
            - name: GORILLA_DISABLE_SSO_PROVISIONING
              value: "{{ not .Values.sso.autoProvision }}"
            {{- end}}
            {{- if .Values.extraCors }}
            - name: GORILLA_CORS_ORIGINS
              value: {{ .Values.extraCors }}
            {{- end }}
            - name: HOST
              value: {{ .Values.host | default "http://localhost:8080" }}
            {{- if .Values.extraEnv }}
            {{- toYaml .Values.extraEnv | nindent 12 }}
            {{- end }}
`

// LegacyChartEnv returns the env of the `wandb` container of W&B's legacy
// `wandb` chart given these values, rendered by Helm (renderChart) over the
// chart's env lines: the sso.* entries when sso.enabled,
// GORILLA_CORS_ORIGINS from extraCors (one string, written as it is), HOST,
// then the list-shaped extraEnv ([{name, value}]) appended last, so an
// extraEnv entry wins over a chart entry of the same name as Kubernetes lets
// the last duplicate in `env` win. valueFrom entries are left out; for a key
// in checks.EnvKeys that is an error.
func LegacyChartEnv(values map[string]any) (map[string]string, error) {
	ch := &chart.Chart{
		Metadata: &chart.Metadata{APIVersion: "v2", Name: "wandb", Version: "0.3.9", Type: "application"},
		Values:   parsedDefaults(legacyChartDefaults),
		Templates: []*chart.File{
			chartFile("templates/_helpers.tpl", legacyFullnameHelper),
			chartFile("templates/deployment.yaml", legacyEnvTemplate),
		},
	}
	out, err := renderChart(ch, values, "wandb")
	if err != nil {
		return nil, fmt.Errorf("deriving the legacy chart's env: %w", err)
	}
	env, err := containerEnv(out, "wandb/templates/deployment.yaml", []string{"spec", "template", "spec", "containers"}, "wandb")
	if err != nil {
		return nil, fmt.Errorf("deriving the legacy chart's env: %w", err)
	}
	return env, nil
}
