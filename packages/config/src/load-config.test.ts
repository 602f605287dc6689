import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './load-config';

/** The message loadConfig stops start-up with ('' when it does not). */
function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, '/srv/app');
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('loadConfig', () => {
  it('runs the embedded default with no variables at all', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', embedded: true, idp: { kind: 'sandbox' }, console: { enabled: true } });
    expect(config.slack).toBeUndefined();
    expect(config.database.dataDir).toBe('/srv/app/data/pglite');
  });

  it('switches Slack to HTTP mode without an app token and Socket Mode with one', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_ESCALATION_CHANNEL: 'C1' };
    expect(loadConfig(base).slack).toMatchObject({ mode: 'http' });
    expect(loadConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1' });
    expect(loadConfig(base).console.enabled).toBe(false);
  });

  it('selects Entra ID from AZURE_TENANT_ID (secret, loopback fakes, step-up public URL)', () => {
    const env = { AZURE_TENANT_ID: 't-1', AZURE_CLIENT_ID: 'c-1', AZURE_CLIENT_SECRET: 's', PUBLIC_BASE_URL: 'https://keyward.example/', AZURE_AUTHORITY_HOST: 'http://127.0.0.1:7001', GRAPH_API_URL: 'http://127.0.0.1:7002', ENTRA_STEPUP_AUTH_CONTEXT: 'c1' };
    expect(loadConfig(env).idp).toEqual({
      kind: 'entra',
      tenantId: 't-1',
      clientId: 'c-1',
      credential: { kind: 'secret', clientSecret: 's' },
      authorityHost: 'http://127.0.0.1:7001',
      graphUrl: 'http://127.0.0.1:7002',
      stepUp: { publicBaseUrl: 'https://keyward.example', authContextId: 'c1', ttlMinutes: 10 },
    });
    expect(() => loadConfig({ ...env, AZURE_TENANT_ID: undefined, IDP: 'entra' })).toThrow(/AZURE_TENANT_ID is required/);
  });

  it('lists every missing Entra variable and refuses a plain-http public URL that is not loopback', () => {
    expect(() => loadConfig({ IDP: 'entra' })).toThrow(/AZURE_TENANT_ID[\s\S]*AZURE_CLIENT_ID[\s\S]*PUBLIC_BASE_URL[\s\S]*AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH/);
    expect(() => loadConfig({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', PUBLIC_BASE_URL: 'http://keyward.example' })).toThrow(/PUBLIC_BASE_URL must be https/);
    expect(() => loadConfig({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', PUBLIC_BASE_URL: 'https://k', ENTRA_STEPUP_AUTH_CONTEXT: 'x1' })).toThrow(/ENTRA_STEPUP_AUTH_CONTEXT/);
  });

  it('selects Okta from OKTA_ORG_URL and accepts a loopback URL', () => {
    const config = loadConfig({ OKTA_ORG_URL: 'http://127.0.0.1:9999', OKTA_API_TOKEN: 't' });
    expect(config.idp).toEqual({ kind: 'okta', orgUrl: 'http://127.0.0.1:9999', auth: { mode: 'token', token: 't' } });
  });

  it('lists every problem at once', () => {
    const message = problemsOf({ SLACK_BOT_TOKEN: 'x', IDP: 'okta' });
    expect(message).toMatch(/SLACK_SIGNING_SECRET is required/);
    expect(message).toMatch(/OKTA_ORG_URL is required/);
  });

  it('reports a malformed value and an independent missing one in the same start-up', () => {
    // The README promises "a list of every problem": a bad PORT or IDP must not hide the rest.
    const message = problemsOf({ PORT: 'abc', IDP: 'okta-prod', SLACK_BOT_TOKEN: 'x' });
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/IDP: /);
    expect(message).toMatch(/SLACK_SIGNING_SECRET is required/);
  });

  it('does not add "is required" for a variable it already reported as malformed or unreadable', () => {
    const malformed = problemsOf({ IDP: 'okta', OKTA_ORG_URL: 'your-org.okta.com', OKTA_API_TOKEN: 't' });
    expect(malformed).toMatch(/OKTA_ORG_URL must be an http\(s\) URL/);
    expect(malformed).not.toMatch(/OKTA_ORG_URL is required/);
    const unreadable = problemsOf({ SLACK_BOT_TOKEN_FILE: '/nonexistent/token', SLACK_SIGNING_SECRET: 's' });
    expect(unreadable).toMatch(/SLACK_BOT_TOKEN_FILE: cannot read/);
    expect(unreadable).not.toMatch(/SLACK_BOT_TOKEN is required/);
  });

  it('treats an empty or whitespace-only value as unset, for every variable (IDP= as in .env.example)', () => {
    const blank = { PORT: '', HOST: ' ', IDP: '', CONSOLE_ENABLED: '', TEAMS_EMULATOR_MODE: '\t', LOG_LEVEL: '', OPENAI_MODEL: ' ', REDIS_TLS: '', ANOMALY_WATCH: '', WORKER_LOCK_DURATION_MS: '', SLACK_BOT_TOKEN_FILE: '', OKTA_SCOPES: '' };
    const config = loadConfig(blank, '/srv/app');
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', logLevel: 'info', embedded: true, idp: { kind: 'sandbox' }, console: { enabled: true } });
    expect(config.teams).toBeUndefined();
    expect(config.redis.workerLockDurationMs).toBe(60_000);
    // A blank value never overrides a real one given as a file, nor counts as "both set".
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-cfg-'));
    try {
      writeFileSync(path.join(dir, 'token'), 'xoxb-from-file\n');
      expect(loadConfig({ SLACK_BOT_TOKEN: ' ', SLACK_BOT_TOKEN_FILE: path.join(dir, 'token'), SLACK_SIGNING_SECRET: 's' }).slack?.botToken).toBe('xoxb-from-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads secrets from *_FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-cfg-'));
    try {
      writeFileSync(path.join(dir, 'token'), 'xoxb-from-file\n');
      const config = loadConfig({ SLACK_BOT_TOKEN_FILE: path.join(dir, 'token'), SLACK_SIGNING_SECRET: 's', SLACK_ESCALATION_CHANNEL: 'C1' });
      expect(config.slack?.botToken).toBe('xoxb-from-file');
      expect(() => loadConfig({ SLACK_BOT_TOKEN_FILE: '/nonexistent' })).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to expose the console on a public address', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/console has no login/);
  });

  it('warns, without failing, when the helpdesk channel or the encryption key is missing', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', DATABASE_URL: 'postgres://localhost/test' });
    expect(config.warnings.join(' ')).toMatch(/SLACK_ESCALATION_CHANNEL/);
    expect(config.warnings.join(' ')).toMatch(/SECRET_ENCRYPTION_KEY/);
  });

  it('rejects a malformed encryption key and database URL', () => {
    expect(() => loadConfig({ SECRET_ENCRYPTION_KEY: 'short' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
  });

  it('uses the offline classifier alone without OPENAI_API_KEY, and the model with one', () => {
    expect(loadConfig({}).openai).toBeUndefined();
    expect(loadConfig({ OPENAI_API_KEY: 'sk-1' }).openai).toEqual({ apiKey: 'sk-1', baseUrl: undefined, model: 'gpt-4o-mini', timeoutMs: 4000 });
    expect(loadConfig({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1', OPENAI_TIMEOUT_MS: '1500' }).openai).toEqual({
      apiKey: 'sk-1',
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      timeoutMs: 1500,
    });
  });

  it('rejects a bad OpenAI base URL or timeout, and a base URL without a key', () => {
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'ftp://x' })).toThrow(/OPENAI_BASE_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-1', OPENAI_TIMEOUT_MS: '5' })).toThrow(/OPENAI_TIMEOUT_MS/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' })).toThrow(/without OPENAI_API_KEY/);
  });
});
