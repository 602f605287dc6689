import { PEOPLE, TEXT, createScenario, inboundMessage, stored } from '../testing/core-scenario';
import { MAX_MESSAGE_LENGTH, onInboundMessage, requestIdForEvent } from './handle-inbound-message';

describe('onInboundMessage', () => {
  it('hides a password typed into the message before it is stored, audited or queued', async () => {
    const deps = createScenario();
    await onInboundMessage(deps, inboundMessage(PEOPLE.alice.chat, 'talk to a human, my password is Hunter4Secret! and it fails', 'EvSecret'));
    const row = await stored(deps, requestIdForEvent('EvSecret'));
    expect(row.text).toBe('talk to a human, my password is [hidden] and it fails');
    expect(JSON.stringify([deps.store.all(), deps.audit.records(), deps.queue.jobs()])).not.toContain('Hunter4Secret');
  });

  it('creates one request and one job when the platform delivers the same event twice', async () => {
    const deps = createScenario();
    const message = inboundMessage(PEOPLE.alice.chat, TEXT.reset, 'EvDup');
    await onInboundMessage(deps, message);
    await onInboundMessage(deps, { ...message });

    expect(deps.store.all()).toHaveLength(1);
    expect(deps.queue.jobsNamed('request.process')).toHaveLength(1);
    expect(deps.audit.records().filter((r) => r.type === 'request.received')).toHaveLength(1);
  });

  it('ignores a redelivery that arrives after the request has moved on', async () => {
    const deps = createScenario();
    const message = inboundMessage(PEOPLE.alice.chat, TEXT.hi, 'EvLate');
    await onInboundMessage(deps, message);
    await deps.queue.drain(async () => undefined);
    const id = requestIdForEvent('EvLate');
    const row = await stored(deps, id);
    deps.store.seed({ ...row, state: 'answered', version: row.version + 1 });

    await onInboundMessage(deps, message);
    expect((await stored(deps, id)).state).toBe('answered');
    expect(deps.queue.jobs()).toHaveLength(1);
    expect(deps.queue.duplicatesDropped()).toBe(0);
  });

  it('creates a second request for a new event id with the same text: dedup never swallows a real repeat', async () => {
    const deps = createScenario();
    await onInboundMessage(deps, inboundMessage(PEOPLE.alice.chat, TEXT.reset, 'EvA'));
    await onInboundMessage(deps, inboundMessage(PEOPLE.alice.chat, TEXT.reset, 'EvB'));

    const ids = deps.store.all().map((r) => r.id);
    expect(ids).toEqual([requestIdForEvent('EvA'), requestIdForEvent('EvB')]);
    expect(deps.queue.jobsNamed('request.process').map((j) => j.requestId)).toEqual(ids);
  });

  it('re-enqueues after a crash between claiming the event and enqueuing the job', async () => {
    const deps = createScenario();
    const message = inboundMessage(PEOPLE.alice.chat, TEXT.reset, 'EvCrash');
    deps.queue.failEnqueue(new Error('redis down'));
    await expect(onInboundMessage(deps, message)).rejects.toThrow('redis down');
    expect(deps.queue.jobs()).toHaveLength(0);

    await onInboundMessage(deps, message);
    expect(deps.store.all()).toHaveLength(1);
    expect(deps.queue.jobsNamed('request.process')).toHaveLength(1);
  });

  it('persists the requester from the verified chat id only and cuts very long text', async () => {
    const deps = createScenario();
    const message = inboundMessage(PEOPLE.alice.chat, 'x'.repeat(MAX_MESSAGE_LENGTH + 50), 'EvLong');
    await onInboundMessage(deps, message);
    const request = await stored(deps, requestIdForEvent('EvLong'));
    expect(request).toMatchObject({ state: 'received', version: 1, requester: { chatUserId: PEOPLE.alice.chat }, sourceEventId: 'EvLong' });
    expect(request.requester.idpUserId).toBeUndefined();
    expect(request.text).toHaveLength(MAX_MESSAGE_LENGTH);
  });

  it('makes no IdP call and sends no push while acknowledging', async () => {
    const deps = createScenario();
    await onInboundMessage(deps, inboundMessage(PEOPLE.alice.chat, TEXT.reset));
    expect(deps.idp.calls()).toEqual([]);
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.chat.lookups()).toEqual([]);
  });
});
