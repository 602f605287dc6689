import { AppError } from '../domain/app-error';
import type { ActionKind } from '../domain/intent';
import { PEOPLE, TEXT, createScenario, postedTexts, send, stored } from '../testing/core-scenario';
import { deliverNotification } from './notify';

/** Core paths issue #4 added for Entra ID and Teams: link step-up, unsupported unlock, gone conversations. */
describe('Entra / Teams paths in core', () => {
  it('shows a sign-in link button (no number) for a link step-up and stores the link on the request', async () => {
    const deps = createScenario();
    const start = deps.stepUp.start.bind(deps.stepUp);
    deps.stepUp.start = async (userId, context) => ({ ...(await start(userId, context)), kind: 'link', url: 'https://login.example/authorize?state=s', numberChallenge: undefined });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const prompt = deps.chat.posts().at(-1)?.message;
    expect(prompt?.emphasis).toBeUndefined();
    expect(prompt?.text).toMatch(/sign in again with MFA/);
    expect(prompt?.buttons?.[0]).toMatchObject({ url: 'https://login.example/authorize?state=s', label: 'Sign in to confirm' });
    expect((await stored(deps, id)).stepUp).toMatchObject({ kind: 'link', url: 'https://login.example/authorize?state=s' });
  });

  it('explains and escalates an action the IdP cannot do (Entra unlock) before any step-up', async () => {
    const deps = createScenario();
    Object.assign(deps.idp, { unsupportedActions: ['account_unlock'] satisfies ActionKind[] });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.unlock);
    expect((await stored(deps, id)).state).toBe('escalated');
    expect(deps.stepUp.started()).toEqual([]);
    expect(deps.idp.writes()).toEqual([]);
    expect(postedTexts(deps).at(-1)).toMatch(/no way for me to unlock/);
    expect(deps.chat.escalations().at(-1)?.reason).toMatch(/account_unlock/);
  });

  it('audits and escalates a reply to a conversation that is gone, without throwing (F05: no retry loop)', async () => {
    const deps = createScenario();
    const id = await send(deps, PEOPLE.alice.chat, TEXT.reset);
    const request = await stored(deps, id);
    deps.chat.post = async () => {
      throw new AppError('chat.conversation_gone', 'ConversationNotFound (404)');
    };
    await expect(deliverNotification(deps, { kind: 'post', conversation: request.conversation, message: { text: 'Done.' }, requestId: id })).resolves.toBeUndefined();
    expect(deps.audit.records().map((r) => r.type)).toContain('chat.delivery_failed');
    const escalations = deps.queue.pending().filter((j) => j.name === 'chat.notify' && j.step.startsWith('escalate:undeliverable'));
    expect(escalations).toHaveLength(1);
    // Any other delivery failure still throws (the queue retries it).
    deps.chat.post = async () => {
      throw new AppError('chat.unavailable', 'down', { retryable: true });
    };
    await expect(deliverNotification(deps, { kind: 'post', conversation: request.conversation, message: { text: 'Done.' }, requestId: id })).rejects.toMatchObject({ code: 'chat.unavailable' });
  });
});
