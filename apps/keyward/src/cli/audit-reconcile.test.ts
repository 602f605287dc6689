import { PassThrough } from 'node:stream';
import { sampleAuditEvent } from '@keyward/audit/testing';
import type { AuditRecord } from '@keyward/core';
import { runAuditReconcile } from './audit-reconcile';
import type { AuditReconcileDeps } from './audit-reconcile';

const BOT_APP_ID = '3f9a1c2e-7b4d-4e8a-9c61-2d5e8f0a1b3c';
const ALICE = '6a1f3e2d-4c5b-4a79-8e0d-1f2a3b4c5d6e';

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

function setup(files: Record<string, string>, audit: AuditRecord[]): { deps: AuditReconcileDeps; ranges: { since?: Date; until?: Date }[]; err: () => string } {
  const err = collect();
  const ranges: { since?: Date; until?: Date }[] = [];
  return {
    ranges,
    err: err.text,
    deps: {
      stderr: err.stream,
      readFile: (path) => {
        const text = files[path];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
        return text;
      },
      loadIdpWrites: async (range) => {
        ranges.push(range);
        return audit;
      },
    },
  };
}

const ourReset: AuditRecord = {
  ...sampleAuditEvent(1, { requestId: 'rq_0123456789abcdef01234567', type: 'request.succeeded', action: 'password_reset', target: { idpUserId: ALICE }, idpRequestId: 'a0000001-0000-4000-8000-000000000001', at: new Date('2025-05-01T10:00:02Z') }),
  seq: 1,
  prevHash: 'p',
  hash: 'h1',
};

const entraPage = JSON.stringify({
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits',
  value: [
    {
      id: 'Directory_1',
      category: 'UserManagement',
      correlationId: 'a0000001-0000-4000-8000-000000000001',
      result: 'success',
      activityDisplayName: 'Reset user password',
      activityDateTime: '2025-05-01T10:00:01Z',
      loggedByService: 'Core Directory',
      initiatedBy: { app: { appId: BOT_APP_ID, displayName: 'Keyward', servicePrincipalId: 'b7e2d4f1-0c3a-4b59-8e16-5a9d2c7f4e80' } },
      targetResources: [{ id: ALICE, type: 'User', userPrincipalName: 'alice@contoso.example' }],
      additionalDetails: [],
    },
  ],
});

describe('keyward audit reconcile --entra-audit-log', () => {
  it('reconciles an Entra export with our writes and exits 0 when both sides agree', async () => {
    const { deps, ranges } = setup({ 'entra.json': entraPage }, [ourReset]);
    const out = collect();
    const code = await runAuditReconcile(['--entra-audit-log', 'entra.json', '--actor', BOT_APP_ID], out.stream, deps);
    expect(out.text()).toMatch(/^matched: 1 \(by request id: 1/);
    expect(code).toBe(0);
    // The window is the export's own span, widened by a minute each way for our later audit write.
    expect(ranges).toEqual([{ since: new Date('2025-05-01T09:59:01Z'), until: new Date('2025-05-01T10:01:01.001Z') }]);
  });

  it('exits 1 and lists the write Entra has no record of', async () => {
    const { deps } = setup({ 'entra.json': entraPage }, [ourReset, { ...ourReset, seq: 2, idpRequestId: 'a0000009-0000-4000-8000-000000000009', requestId: 'rq_other' }]);
    const out = collect();
    expect(await runAuditReconcile(['--entra-audit-log=entra.json', '--actor', BOT_APP_ID], out.stream, deps)).toBe(1);
    expect(out.text()).toContain('OURS ONLY');
    expect(out.text()).toContain('rq_other');
  });

  it('says in one sentence that the export file does not exist (no raw ENOENT)', async () => {
    const { deps, err } = setup({}, []);
    expect(await runAuditReconcile(['--okta-system-log', '/nonexistent.json'], collect().stream, deps)).toBe(2);
    expect(err()).toBe('/nonexistent.json does not exist. Give the path of the exported JSON file.\n');
  });

  it('refuses an Entra export without --actor, both sources at once, or a file that is not an export', async () => {
    const noActor = setup({ 'entra.json': entraPage }, []);
    expect(await runAuditReconcile(['--entra-audit-log', 'entra.json'], collect().stream, noActor.deps)).toBe(2);
    expect(noActor.err()).toContain('--entra-audit-log needs --actor');

    const both = setup({}, []);
    expect(await runAuditReconcile(['--entra-audit-log', 'a.json', '--okta-system-log', 'b.json', '--actor', BOT_APP_ID], collect().stream, both.deps)).toBe(2);
    expect(both.err()).toContain('not both');

    const bad = setup({ 'entra.json': '{"items": []}' }, []);
    expect(await runAuditReconcile(['--entra-audit-log', 'entra.json', '--actor', BOT_APP_ID], collect().stream, bad.deps)).toBe(2);
    expect(bad.err()).toContain('Graph page');
    expect(bad.ranges).toEqual([]);
  });
});
