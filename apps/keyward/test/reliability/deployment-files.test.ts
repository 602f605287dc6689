import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema } from '@keyward/config';

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
  const known = new Set(Object.keys(envSchema.shape));
  const compose = parse(read('infra/compose/compose.yaml'), { merge: true }) as { services: Record<string, Json> };
  const values = parse(read('infra/helm/keyward/values.yaml')) as { config: Json; secrets: Json };
  const names = [...Object.keys(compose.services['gateway']?.['environment'] as Json), ...Object.keys(values.config), ...Object.keys(values.secrets)].map((n) => n.replace(/_FILE$/, ''));
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
