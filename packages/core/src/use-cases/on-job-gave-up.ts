import { isAppError } from '../domain/app-error';
import type { CoreDeps } from './core-deps';
import { onExecutionGaveUp } from './execute-action';
import { closeSettledPrompts, notifyHelpdesk, notifyRequester, requestFacts } from './notify';
import { replies } from './replies';
import { applyEvent } from './request-journal';

/**
 * The queue gave up on a step (attempts exhausted, or an unrecoverable error): whatever state the
 * request is in, it ends visibly — the requester is told and the helpdesk gets the case.
 */
export async function onJobGaveUp(deps: CoreDeps, requestId: string, error: unknown): Promise<void> {
  const request = await deps.store.get(requestId);
  if (!request) return;
  if (request.state === 'executing' || request.state === 'queued') return onExecutionGaveUp(deps, requestId, error);
  const escalatable = ['received', 'understood', 'clarifying', 'decided', 'verifying', 'verified'];
  if (!escalatable.includes(request.state)) return;
  const code = isAppError(error) ? error.code : 'internal';
  await notifyRequester(deps, request, 'gave-up', replies.failed());
  await notifyHelpdesk(deps, request, 'gave-up', { reason: `Could not process the request (${code}); a person needs to look at it.`, facts: requestFacts(request), severity: 'warning' });
  // A push number or a question left on screen would read as still waiting.
  await closeSettledPrompts(deps, await applyEvent(deps, request, { type: 'escalated', reason: `gave up: ${code}` }));
}
