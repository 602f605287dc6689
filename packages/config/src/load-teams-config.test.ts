import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './load-config';

const TENANT = '72f988bf-0000-4000-8000-000000000001';

describe('loadConfig: Microsoft Teams', () => {
  it('is off without any MICROSOFT_APP_* / TEAMS_* variable', () => {
    expect(loadConfig({}).teams).toBeUndefined();
  });

  it('reads the single-tenant app registration and the helpdesk channel (id or stored reference JSON)', () => {
    const base = { MICROSOFT_APP_ID: 'app-1', MICROSOFT_APP_PASSWORD: 'pw', MICROSOFT_APP_TENANT_ID: TENANT };
    const byId = loadConfig({ ...base, TEAMS_ESCALATION_CONVERSATION: '19:helpdesk@thread.tacv2' });
    expect(byId.teams).toEqual({ appId: 'app-1', appPassword: 'pw', tenantId: TENANT, escalation: { conversationId: '19:helpdesk@thread.tacv2' } });
    // Teams is a chat platform: the console is no longer the default, and this is not the embedded demo.
    expect(byId.console.enabled).toBe(false);
    expect(byId.embedded).toBe(false);
    const reference = JSON.stringify({ conversation: { id: '19:hd@thread.tacv2', tenantId: TENANT }, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect(loadConfig({ ...base, TEAMS_ESCALATION_CONVERSATION: reference }).teams?.escalation).toEqual({ conversationId: '19:hd@thread.tacv2', serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect(loadConfig(base).warnings.join('\n')).toMatch(/TEAMS_ESCALATION_CONVERSATION is not set/);
  });

  it('lists every missing piece together', () => {
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'app-1' })).toThrow(/MICROSOFT_APP_TENANT_ID is required[\s\S]*MICROSOFT_APP_PASSWORD is required/);
    expect(() => loadConfig({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TENANT_ID: TENANT, TEAMS_ESCALATION_CONVERSATION: '{"conversation":{}}' })).toThrow(/TEAMS_ESCALATION_CONVERSATION must be/);
  });

  it('emulator mode (no JWT check) only on a loopback host and never with app credentials', () => {
    const emulator = { TEAMS_EMULATOR_MODE: 'true', MICROSOFT_APP_TENANT_ID: TENANT, TEAMS_SERVICE_URL: 'http://127.0.0.1:9/' };
    expect(loadConfig({ ...emulator, HOST: '127.0.0.1' }).teams).toEqual({ tenantId: TENANT, serviceUrl: 'http://127.0.0.1:9/' });
    expect(() => loadConfig(emulator)).toThrow(/needs a loopback HOST \(got 0\.0\.0\.0\)/);
    expect(() => loadConfig({ ...emulator, HOST: '127.0.0.1', MICROSOFT_APP_ID: 'a' })).toThrow(/cannot be combined/);
  });

  it('takes MICROSOFT_APP_PASSWORD from a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kw-teams-'));
    writeFileSync(path.join(dir, 'pw'), 'from-file\n');
    const config = loadConfig({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD_FILE: path.join(dir, 'pw'), MICROSOFT_APP_TENANT_ID: TENANT });
    expect(config.teams?.appPassword).toBe('from-file');
  });
});
