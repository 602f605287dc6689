{{- define "keyward.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "keyward.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "keyward.secretName" -}}
{{- default (printf "%s-secrets" (include "keyward.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* Environment shared by both roles: config values, and *_FILE for every secret key that is set. */}}
{{- define "keyward.env" -}}
{{- range $key, $value := .Values.config }}
{{- if $value }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
- name: CONSOLE_ENABLED
  value: "false"
- name: HOST
  value: "0.0.0.0"
{{- range $key, $value := .Values.secrets }}
{{- if or $value $.Values.existingSecret }}
- name: {{ $key }}_FILE
  value: /run/secrets/keyward/{{ $key }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "keyward.volumes" -}}
- name: secrets
  secret:
    secretName: {{ include "keyward.secretName" . }}
    defaultMode: 0400
- name: tmp
  emptyDir: {}
{{- end -}}

{{- define "keyward.volumeMounts" -}}
- name: secrets
  mountPath: /run/secrets/keyward
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}
