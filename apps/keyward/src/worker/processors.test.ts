import { AppError } from '@keyward/core';
import type { ServiceRequest } from '@keyward/core';
import { createTestCoreDeps, drainQueue } from '@keyward/core/testing';
import { createGaveUpHandler } from './processors';

/** A request waiting for Frank, whose approval card has not been posted yet. */
function awaitingFrank(): ServiceRequest {
  return {
    id: 'rq_card',
    version: 1,
    state: 'awaiting_approval',
    createdAt: '2025-01-06T09:00:00.000Z',
    updatedAt: '2025-01-06T09:00:00.000Z',
    sourceEventId: 'slack:Ev1',
    conversation: { surface: 'slack', channelId: 'D_ALICE', threadId: '1.1' },
    requester: { chatUserId: 'U_ALICE', displayName: 'Alice', idpUserId: '00u_alice' },
    params: {},
    text: 'add me to design-team',
    messages: {},
    approvals: [{ id: 'a1', role: 'manager', state: 'pending', stepUpRequired: false, approver: { idpUserId: '00u_frank', chatUserId: 'U_FRANK', displayName: 'Frank' } }],
  };
}

describe('worker: when the queue gives up on a job', () => {
  it('ends a request whose approval card could never be posted: requester told, helpdesk case, escalated (no silent wait for the expiry)', async () => {
    const deps = createTestCoreDeps({ surface: 'slack' });
    await deps.store.create(awaitingFrank());
    await createGaveUpHandler(deps)('approval.notify', { requestId: 'rq_card', approvalId: 'a1' }, new AppError('chat.bad_request', 'user_disabled'));
    await drainQueue(deps);

    const ended = await deps.store.get('rq_card');
    expect(ended?.state).toBe('escalated');
    expect(ended?.approvals[0]?.state).toBe('cancelled');
    expect(deps.chat.posts().map((p) => p.message.text)).toEqual([
      "I couldn't ask Frank (manager) to approve this: the approval card could not be delivered to them. I've passed your request to the helpdesk; nothing was changed.",
    ]);
    expect(deps.chat.escalations().map((e) => e.reason)).toEqual(['Approval could not be requested from Frank (manager): the approval card could not be delivered to them. A person needs to look at this request.']);
  });
});
