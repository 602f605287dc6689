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

{{/*
Environment shared by both roles: config values, the policy file, and *_FILE for each secret: the
non-empty `secrets` entries of the chart's own Secret, or exactly `existingSecretKeys` of an
existing one (a key the Secret lacks would make start-up fail, so only listed keys are read).
*/}}
{{- define "keyward.env" -}}
{{- if and .Values.existingSecret (not .Values.existingSecretKeys) }}
{{- fail "existingSecretKeys: list the keys of existingSecret the app should read, e.g. [DATABASE_URL, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET]" }}
{{- end }}
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
{{- if .Values.policy }}
- name: POLICY_FILE
  value: /etc/keyward/policy.yaml
{{- end }}
{{- if .Values.existingSecret }}
{{- range .Values.existingSecretKeys }}
- name: {{ . }}_FILE
  value: /run/secrets/keyward/{{ . }}
{{- end }}
{{- else }}
{{- range $key, $value := .Values.secrets }}
{{- if $value }}
- name: {{ $key }}_FILE
  value: /run/secrets/keyward/{{ $key }}
{{- end }}
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
{{- if .Values.policy }}
- name: policy
  configMap:
    name: {{ include "keyward.fullname" . }}-policy
{{- end }}
{{- end -}}

{{- define "keyward.volumeMounts" -}}
- name: secrets
  mountPath: /run/secrets/keyward
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if .Values.policy }}
- name: policy
  mountPath: /etc/keyward
  readOnly: true
{{- end }}
{{- end -}}
