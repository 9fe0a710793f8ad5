{{/* The base name of every object of this release. */}}
{{- define "llmkube.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "llmkube.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "llmkube.siloSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: silo
{{- end -}}

{{- define "llmkube.siloImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.silo.repository (default .Chart.AppVersion .Values.image.silo.tag) -}}
{{- end -}}

{{- define "llmkube.gatewayImage" -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.gateway.repository (default .Chart.AppVersion .Values.image.gateway.tag) -}}
{{- end -}}

{{- define "llmkube.tokenSecret" -}}
{{- default (printf "%s-cluster-token" (include "llmkube.fullname" .)) .Values.cluster.token.existingSecret -}}
{{- end -}}

{{/* Redis as pods in any namespace reach it: gateway pods run in the routers' namespaces. */}}
{{- define "llmkube.redis" -}}
{{- if .Values.redis.bundled -}}
{{- printf "%s-redis.%s.svc.cluster.local:6379" (include "llmkube.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- required "redis.address is required when redis.bundled is false" .Values.redis.address -}}
{{- end -}}
{{- end -}}

{{- define "llmkube.dashboardSecret" -}}
{{- default (printf "%s-orleans-dashboard" (include "llmkube.fullname" .)) .Values.orleansDashboard.existingSecret -}}
{{- end -}}

{{- define "llmkube.webhookService" -}}
{{- printf "%s-webhook" (include "llmkube.fullname" .) -}}
{{- end -}}

{{- define "llmkube.webhookCertSecret" -}}
{{- printf "%s-webhook-tls" (include "llmkube.fullname" .) -}}
{{- end -}}

{{/* What the reconcilers read and write, granted cluster-wide or per watched namespace. */}}
{{- define "llmkube.reconcileRules" -}}
# Our kinds: watched, status written with server-side apply.
- apiGroups: [inference.llmkube.dev]
  resources: [models, inferenceservices, modelrouters]
  verbs: [get, list, watch]
- apiGroups: [inference.llmkube.dev]
  resources: [models/status, inferenceservices/status, modelrouters/status]
  verbs: [get, patch, update]
# What the reconcilers own (server-side apply creates and updates; HPAs are deleted when autoscaling is switched off).
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch]
# Read: Metal agents' endpoints and Model PVCs. Secrets: backend credentials (read) and each router's copy of the
# cluster token for its gateway pods (written).
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, patch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
# Gateway mode (Envoy AI Gateway): what a Gateway-mode router or an exposed InferenceService generates is applied
# with server-side apply, listed by label to find what is no longer generated, and deleted. A Gateway
# (gateway.networking.k8s.io) is only referred to, never read or written. Discovery tells whether these are installed.
- apiGroups: [gateway.envoyproxy.io]
  resources: [backends, backendtrafficpolicies, securitypolicies]
  verbs: [list, create, patch, delete]
- apiGroups: [aigateway.envoyproxy.io]
  resources: [aiservicebackends, aigatewayroutes]
  verbs: [list, create, patch, delete]
{{- end }}
