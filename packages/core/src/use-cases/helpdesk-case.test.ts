import { CHAT_ACTIONS } from '../domain/chat';
import type { InboundAction } from '../domain/chat';
import { createFakePolicyEngine, drainQueue, recordingDmChannelId } from '../testing';
import type { TestCoreDeps } from '../testing';
import { PEOPLE, TEXT, createScenario, send } from '../testing/core-scenario';
import { CASE_REFUSALS, onCaseAction } from './helpdesk-case';

let counter = 0;

function caseClick(chatUserId: string, actionId: InboundAction['actionId'], requestId: string, eventId = `CaseEv${++counter}`): InboundAction {
  const note = actionId === CHAT_ACTIONS.caseTake ? undefined : 'sorted';
  return { eventId, conversation: { surface: 'console', channelId: 'helpdesk' }, chatUserId, actionId, value: requestId, ...(note ? { note } : {}), receivedAt: new Date() };
}

async function press(deps: TestCoreDeps, action: InboundAction): Promise<void> {
  await onCaseAction(deps, action);
  await drainQueue(deps);
}

const dm = (deps: TestCoreDeps, chatUserId: string): string[] => deps.chat.posts().filter((p) => p.conversation.channelId === recordingDmChannelId(chatUserId)).map((p) => p.message.text);

describe('helpdesk case buttons: every refused click is answered privately', () => {
  async function openCase(): Promise<{ deps: TestCoreDeps; id: string }> {
    const deps = createScenario({ policy: createFakePolicyEngine({ helpdeskAdmins: [PEOPLE.bob.email] }) });
    const id = await send(deps, PEOPLE.alice.chat, TEXT.human);
    return { deps, id };
  }

  it('tells an agent who is not in helpdesk.admins why nothing happened, in their own DM, and audits the click', async () => {
    const { deps, id } = await openCase();
    await press(deps, caseClick(PEOPLE.root.chat, CHAT_ACTIONS.caseTake, id));

    expect((await deps.store.get(id))?.helpdeskCase?.state).toBe('open');
    expect(dm(deps, PEOPLE.root.chat)).toEqual([CASE_REFUSALS.notAdmin]);
    expect(CASE_REFUSALS.notAdmin).toMatch(/^Only helpdesk admins listed in the policy can work cases; ask an admin to add you \(helpdesk\.admins\)/);
    // Never in the shared channel, never in the requester's thread.
    expect(deps.chat.posts().filter((p) => p.message.text === CASE_REFUSALS.notAdmin).map((p) => p.conversation.channelId)).toEqual([recordingDmChannelId(PEOPLE.root.chat)]);
    expect(deps.audit.forRequest(id).filter((e) => e.type === 'case.button_clicked').map((e) => e.details)).toEqual([
      { actionId: CHAT_ACTIONS.caseTake, by: PEOPLE.root.chat, accepted: false, replay: false, reason: 'not a helpdesk agent' },
    ]);
  });

  it('answers each refused click once: a redelivered click is audited, not answered again', async () => {
    const { deps, id } = await openCase();
    const click = caseClick(PEOPLE.root.chat, CHAT_ACTIONS.caseResolve, id, 'CaseEv-replayed');
    await press(deps, click);
    await press(deps, click);
    await press(deps, caseClick(PEOPLE.root.chat, CHAT_ACTIONS.caseReject, id));
    expect(dm(deps, PEOPLE.root.chat)).toEqual([CASE_REFUSALS.notAdmin, CASE_REFUSALS.notAdmin]);
  });

  it('tells the requester they cannot work their own case, and an admin that a closed case is closed', async () => {
    const { deps, id } = await openCase();
    await press(deps, caseClick(PEOPLE.alice.chat, CHAT_ACTIONS.caseResolve, id));
    expect(dm(deps, PEOPLE.alice.chat)).toEqual([CASE_REFUSALS.requester]);

    await press(deps, caseClick(PEOPLE.bob.chat, CHAT_ACTIONS.caseResolve, id));
    expect((await deps.store.get(id))?.helpdeskCase?.state).toBe('resolved');
    await press(deps, caseClick(PEOPLE.bob.chat, CHAT_ACTIONS.caseTake, id));
    expect(dm(deps, PEOPLE.bob.chat)).toEqual(['This case is already resolved. Nothing was changed.']);
  });
});
