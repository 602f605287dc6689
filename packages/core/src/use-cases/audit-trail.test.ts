import type { ServiceRequest } from '../domain/request';
import { PEOPLE, TEXT, answerPush, click, createScenario, reveal, send } from '../testing/core-scenario';
import type { TestCoreDeps } from '../testing';

/** Many flows through one set of fakes: every kind of ending the core produces. */
async function runManyFlows(deps: TestCoreDeps): Promise<void> {
  for (const text of [TEXT.hi, TEXT.help, TEXT.weather, TEXT.gibberish, TEXT.human, TEXT.negatedReset, TEXT.addGroup]) await send(deps, PEOPLE.bob.chat, text);
  for (const who of [PEOPLE.external.chat, PEOPLE.bot.chat, PEOPLE.noEmail.chat, PEOPLE.ghost.chat, PEOPLE.twin.chat, PEOPLE.root.chat]) await send(deps, who, TEXT.reset);

  const reset = await send(deps, PEOPLE.alice.chat, TEXT.reset);
  await answerPush(deps, 'approved');
  await reveal(deps, PEOPLE.bob.chat, reset).catch(() => undefined);
  await reveal(deps, PEOPLE.alice.chat, reset);
  await reveal(deps, PEOPLE.alice.chat, reset).catch(() => undefined);

  await send(deps, PEOPLE.alice.chat, TEXT.compromisedSignOut);
  await answerPush(deps, 'approved');
  await send(deps, PEOPLE.alice.chat, TEXT.compromisedReset);
  await answerPush(deps, 'rejected');

  const vague = await send(deps, PEOPLE.locked.chat, TEXT.vague);
  await click(deps, PEOPLE.bob.chat, `${vague}|password_reset`);
  await click(deps, PEOPLE.locked.chat, `${vague}|account_unlock`);
  await answerPush(deps, 'approved');
}

describe('audit trail', () => {
  let deps: TestCoreDeps;
  let requests: ServiceRequest[];

  beforeAll(async () => {
    deps = createScenario();
    await runManyFlows(deps);
    requests = deps.store.all();
  });

  it('covers the endings it claims to', () => {
    expect(new Set(requests.map((r) => r.state))).toEqual(new Set(['answered', 'escalated', 'refused', 'succeeded']));
    expect(deps.idp.writes()).toHaveLength(3);
  });

  it('records exactly one audit event per transition', () => {
    for (const request of requests) {
      const transitions = deps.audit.forRequest(request.id).filter((r) => r.type.startsWith('request.') && r.type !== 'request.received');
      // version starts at 1 and every transition adds one.
      expect({ id: request.id, transitions: transitions.length }).toEqual({ id: request.id, transitions: request.version - 1 });
      expect(transitions.at(-1)?.state).toBe(request.state);
    }
  });

  it('opens every request with exactly one request.received event', () => {
    for (const request of requests) {
      const events = deps.audit.forRequest(request.id);
      expect(events[0]?.type).toBe('request.received');
      expect(events.filter((e) => e.type === 'request.received')).toHaveLength(1);
    }
  });

  it('carries the policy hash on every audit event', () => {
    const records = deps.audit.records();
    expect(records.length).toBeGreaterThan(50);
    for (const record of records) expect(record.policy?.hash).toBe(deps.policy.hash);
  });

  it('never contains a secret, and chains every record to the one before', () => {
    const secrets = deps.idp.issuedSecrets();
    expect(secrets.length).toBe(1);
    const records = deps.audit.records();
    for (const secret of secrets) {
      expect(JSON.stringify(records)).not.toContain(secret);
      expect(deps.logger.allText()).not.toContain(secret);
      expect(deps.chat.allText()).not.toContain(secret);
    }
    records.forEach((record, index) => {
      expect(record.seq).toBe(index + 1);
      if (index > 0) expect(record.prevHash).toBe(records[index - 1]?.hash);
    });
  });

  it('never copies the typed message into the audit log', () => {
    const audit = JSON.stringify(deps.audit.records());
    for (const text of [TEXT.compromisedReset, TEXT.human, TEXT.vague]) expect(audit).not.toContain(text);
  });

  it('records the IdP request id on the success event for the audit join', () => {
    for (const write of deps.idp.writes()) {
      const success = deps.audit.forRequest(write.requestId).find((r) => r.type === 'request.succeeded');
      expect(success?.idpRequestId).toBe(write.idpRequestId);
    }
  });
});
