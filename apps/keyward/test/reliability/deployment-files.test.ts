import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, SECRET_VARIABLES } from '@keyward/config';

/*
 * Issue #7: the deployment files are checked where the real tools cannot run (no Docker engine, no
 * helm or terraform in the machine's package sources): the YAML parses, the settings that protect
 * queued work are present, every secret goes through *_FILE, and every variable the files set is
 * one the app accepts.
 */

const ROOT = path.resolve(__dirname, '../../../..');
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
type Json = Record<string, unknown>;

test('compose: Redis with AOF and noeviction, healthchecks, secrets only as *_FILE, roles per service', () => {
  const compose = parse(read('infra/compose/compose.yaml'), { merge: true }) as { services: Record<string, Json>; secrets: Json };
  const redisConf = read('infra/redis/redis.conf');
  expect(redisConf).toMatch(/^appendonly yes$/m);
  expect(redisConf).toMatch(/^maxmemory-policy noeviction$/m);
  expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', 'redis', 'worker']);
  expect(compose.services['gateway']?.['command']).toEqual(['start', '--role', 'gateway']);
  expect(compose.services['worker']?.['command']).toEqual(['start', '--role', 'worker']);
  for (const name of ['redis', 'postgres', 'gateway']) expect(compose.services[name]?.['healthcheck']).toHaveProperty('test');
  const env = compose.services['gateway']?.['environment'] as Record<string, string>;
  for (const [key, value] of Object.entries(env)) {
    if (/TOKEN|SECRET|KEY$|PASSWORD|DATABASE_URL/.test(key) && !/KEY_ID$/.test(key)) {
      expect([key, String(value)]).toEqual([expect.stringMatching(/_FILE$/), expect.stringMatching(/^\/run\/secrets\//)]);
    }
  }
});

test('the variables compose and the chart set are variables the app accepts (no typo silently ignored)', () => {
  const known = new Set<string>([...Object.keys(envSchema.shape), ...SECRET_VARIABLES.map((n) => `${n}_FILE`)]);
  const compose = parse(read('infra/compose/compose.yaml'), { merge: true }) as { services: Record<string, Json> };
  const values = parse(read('infra/helm/keyward/values.yaml')) as { config: Json; secrets: Json; existingSecretKeys: string[] };
  // The chart's secret keys become NAME_FILE variables.
  const secretKeys = [...Object.keys(values.secrets), ...values.existingSecretKeys].map((n) => `${n}_FILE`);
  const names = [...Object.keys(compose.services['gateway']?.['environment'] as Json), ...Object.keys(values.config), ...secretKeys];
  expect(names.filter((n) => !known.has(n))).toEqual([]);
});

test('helm chart: values parse, both roles have probes/resources/PDB, workers autoscale on the actions wait list', () => {
  const dir = path.join(ROOT, 'infra/helm/keyward');
  expect((parse(read('infra/helm/keyward/Chart.yaml')) as Json)['apiVersion']).toBe('v2');
  const values = parse(read('infra/helm/keyward/values.yaml')) as { gateway: Json; worker: Json; containerSecurityContext: Json; podSecurityContext: Json };
  expect(values.podSecurityContext['runAsNonRoot']).toBe(true);
  expect(values.containerSecurityContext['readOnlyRootFilesystem']).toBe(true);
  const templates = readdirSync(path.join(dir, 'templates')).map((f) => readFileSync(path.join(dir, 'templates', f), 'utf8'));
  const all = templates.join('\n');
  for (const text of templates) {
    // Helm's parser needs balanced actions; a stray {{ is the commonest template typo.
    expect((text.match(/{{/g) ?? []).length).toBe((text.match(/}}/g) ?? []).length);
  }
  expect(all).toContain('path: /healthz');
  expect(all).toContain('path: /readyz');
  expect(all.match(/kind: PodDisruptionBudget/g)).toHaveLength(2);
  expect(all).toContain('kind: ScaledObject');
  expect(all).toContain(':actions:wait');
  expect(all).toContain('type: redis-cluster'); // KEDA reads a Cluster's list through its own scaler
  expect(all.match(/\["start", "--role", "(gateway|worker)"\]/g)).toHaveLength(2);
});

/**
 * A template with every condition taken and every action replaced by TEMPLATE: what the chart renders
 * when all its options are on, parseable as YAML (helm itself cannot run here).
 */
function everyBranch(template: string): unknown {
  const text = template
    .replace(/{{-?\s*\/\*[\s\S]*?\*\/\s*-?}}/g, '')
    .split('\n')
    .filter((line) => !/^\s*{{-?\s*(if|else|end|range|with|fail|define)\b.*}}\s*$/.test(line))
    .join('\n')
    .replace(/{{[\s\S]*?}}/g, 'TEMPLATE');
  return parse(text);
}

/** The body of `{{- define "name" -}} … {{- end -}}` in _helpers.tpl. */
function helper(name: string): string {
  const helpers = read('infra/helm/keyward/templates/_helpers.tpl');
  const start = helpers.indexOf(`{{- define "${name}" -}}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = helpers.indexOf('{{- end -}}', start);
  return helpers.slice(helpers.indexOf('\n', start) + 1, end);
}

test('compose: the policy is your file, bind-mounted read-only where POLICY_FILE points, never created empty', () => {
  const compose = parse(read('infra/compose/compose.yaml'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; volumes?: Json[] }> };
  for (const name of ['gateway', 'worker']) {
    const service = compose.services[name];
    const policyFile = service?.environment?.['POLICY_FILE'];
    expect(policyFile).toMatch(/^\/.+\.yaml$/);
    expect(service?.volumes).toContainEqual({ type: 'bind', source: './policy.yaml', target: policyFile, read_only: true, bind: { create_host_path: false } });
  }
  // The operator is told where the file goes: the compose file's header and the README's steps.
  expect(read('infra/compose/compose.yaml')).toMatch(/^# .*infra\/compose\/policy\.yaml/m);
  expect(read('README.md')).toContain('infra/compose/policy.yaml');
});

test('helm: `policy` from values becomes a ConfigMap, mounted read-only where POLICY_FILE points; pods restart on a change', () => {
  const values = parse(read('infra/helm/keyward/values.yaml')) as Json;
  expect(values['policy']).toBe('');
  const configMapTemplate = read('infra/helm/keyward/templates/policy-configmap.yaml');
  expect(configMapTemplate).toMatch(/^{{- if \.Values\.policy }}/);
  expect(configMapTemplate).toMatch(/policy\.yaml: \|\n\s+{{- \.Values\.policy \| nindent 4 }}/);
  const configMap = everyBranch(configMapTemplate) as { kind: string; metadata: { name: string }; data: Record<string, string> };
  expect(configMap.kind).toBe('ConfigMap');
  expect(Object.keys(configMap.data)).toEqual(['policy.yaml']);

  const env = everyBranch(helper('keyward.env')) as { name: string; value?: string }[];
  const policyFile = env.find((v) => v.name === 'POLICY_FILE')?.value;
  expect(policyFile).toBe('/etc/keyward/policy.yaml');
  const volumes = everyBranch(helper('keyward.volumes')) as { name: string; configMap?: { name: string } }[];
  const policyVolume = volumes.find((v) => v.configMap !== undefined);
  expect(policyVolume?.configMap?.name).toBe(configMap.metadata.name); // both `{{ include "keyward.fullname" . }}-policy`
  expect(helper('keyward.volumes')).toContain('name: {{ include "keyward.fullname" . }}-policy');
  const mounts = everyBranch(helper('keyward.volumeMounts')) as { name: string; mountPath: string; readOnly?: boolean }[];
  const policyMount = mounts.find((m) => m.name === policyVolume?.name);
  expect(policyMount).toEqual({ name: 'policy', mountPath: path.posix.dirname(policyFile ?? ''), readOnly: true });
  for (const role of ['gateway', 'worker']) expect(read(`infra/helm/keyward/templates/${role}.yaml`)).toContain('checksum/policy: {{ .Values.policy | sha256sum }}');
  // Without a policy the chart says, after install, that the demo policy is running.
  expect(read('infra/helm/keyward/templates/NOTES.txt')).toMatch(/{{- if not \.Values\.policy }}[\s\S]*DEMO policy/);
});

test('helm existingSecret: only the keys listed in existingSecretKeys become *_FILE variables (a key the Secret lacks is not read)', () => {
  const values = parse(read('infra/helm/keyward/values.yaml')) as { existingSecret: string; existingSecretKeys: unknown; secrets: Json };
  expect(values.existingSecret).toBe('');
  expect(values.existingSecretKeys).toEqual([]);
  const env = helper('keyward.env');
  // The old rule (every `secrets` key whenever existingSecret is set) made SLACK_APP_TOKEN_FILE point at
  // a file an existing Secret without that key does not have: ENOENT at start-up.
  expect(env).not.toMatch(/\$\.Values\.existingSecret\b/);
  const branch = (from: string, to: string): string => env.slice(env.indexOf(from), env.indexOf(to, env.indexOf(from)));
  const existing = branch('{{- if .Values.existingSecret }}', '{{- else }}');
  expect(existing).toMatch(/{{- range \.Values\.existingSecretKeys }}\n- name: {{ \. }}_FILE\n  value: \/run\/secrets\/keyward\/{{ \. }}\n{{- end }}/);
  const own = branch('{{- else }}', '{{- end -}}');
  expect(own).toMatch(/{{- range \$key, \$value := \.Values\.secrets }}\n{{- if \$value }}\n- name: {{ \$key }}_FILE/);
  // existingSecret without a key list fails the install with a sentence, instead of pods without secrets.
  expect(env).toMatch(/{{- if and \.Values\.existingSecret \(not \.Values\.existingSecretKeys\) }}\n{{- fail "existingSecretKeys: /);
  expect(read('README.md')).toMatch(/existingSecretKeys/);
});

test('Slack manifests ask for the minimal scopes, the HTTP one points both URLs at /slack/events', () => {
  const minimal = ['chat:write', 'im:history', 'im:read', 'im:write', 'users:read', 'users:read.email'];
  for (const file of ['manifest.http.yaml', 'manifest.socket.yaml']) {
    const manifest = parse(read(`infra/slack/${file}`)) as { oauth_config: { scopes: { bot: string[] } }; settings: Json };
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(minimal);
  }
  const http = parse(read('infra/slack/manifest.http.yaml')) as { settings: { event_subscriptions: Json; interactivity: Json; socket_mode_enabled: boolean } };
  expect(http.settings.event_subscriptions['request_url']).toMatch(/\/slack\/events$/);
  expect(http.settings.interactivity['request_url']).toMatch(/\/slack\/events$/);
  expect(http.settings.socket_mode_enabled).toBe(false);
  expect((parse(read('infra/slack/manifest.socket.yaml')) as { settings: { socket_mode_enabled: boolean } }).settings.socket_mode_enabled).toBe(true);
});

test('Dockerfile: multi-stage on node:20-slim, production dependencies only, runs as the unprivileged user', () => {
  const dockerfile = read('Dockerfile');
  expect(dockerfile.match(/^FROM node:20-slim AS \w+$/gm)).toHaveLength(2);
  expect(dockerfile).toContain('npm ci --omit=dev');
  expect(dockerfile).toMatch(/^USER node$/m);
  expect(read('.dockerignore')).toMatch(/\*\*\/\.env$/m);
});
