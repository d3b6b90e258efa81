{{/* The release's full name, at most 63 characters. */}}
{{- define "driftd.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "driftd.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "driftd.labels" -}}
{{ include "driftd.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "driftd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "driftd.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The port of config.server.listen (host:port). */}}
{{- define "driftd.port" -}}
{{- $listen := required "config.server.listen is required (host:port)" .Values.config.server.listen -}}
{{- splitList ":" $listen | last | int -}}
{{- end -}}

{{- define "driftd.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* "true" when a target reads its W&B env from Kubernetes, the only
reading that needs RBAC; "" otherwise. */}}
{{- define "driftd.readsKubernetes" -}}
{{- range .Values.config.targets -}}
{{- if eq (dig "wandb" "env" "source" "" .) "kubernetes" -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* The Secrets driftd may read, as a JSON list: rbac.secrets, and for
each target that reads a W&B operator resource (weightsandbiases) the
Secret <name>-spec-active, where operator v1 keeps the values it last
applied (wandb/operator state.ActiveSpecName): driftd reads it when the app
Deployment is not there (checks/source/kubernetes_specactive.go). */}}
{{- define "driftd.secretNames" -}}
{{- $names := list -}}
{{- range .Values.rbac.secrets -}}
{{- $names = append $names . -}}
{{- end -}}
{{- range .Values.config.targets -}}
{{- $cr := dig "wandb" "env" "weightsandbiases" "" . -}}
{{- if and (eq (dig "wandb" "env" "source" "" .) "kubernetes") $cr -}}
{{- $names = append $names (printf "%s-spec-active" $cr) -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | toJson -}}
{{- end -}}

{{/* "true" when a Terraform workspace is mounted. */}}
{{- define "driftd.workspace" -}}
{{- if or .Values.terraform.workspace.configMap .Values.terraform.workspace.volume -}}true{{- end -}}
{{- end -}}

{{/* "true" when the pod needs its service account token: a read or a
write Role is bound to it. */}}
{{- define "driftd.needsToken" -}}
{{- if or (and .Values.rbac.create (include "driftd.readsKubernetes" .)) .Values.terraform.rbac.create -}}true{{- end -}}
{{- end -}}
