import type { ServiceRequest } from './request';

type Named = Pick<ServiceRequest, 'params' | 'text' | 'requester'>;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;

/**
 * Someone other than the requester that the message names as the target, if any: self-service acts
 * only on the requester, so such a request is refused. `name` is how to show them to the requester
 * ("bob", an address); a chat mention has none (only a platform user id, meaningless to read).
 */
export function namedOtherTarget(request: Named): { name?: string } | undefined {
  if (request.params.namedTarget) return { name: request.params.namedTarget };
  // A chat mention ("reset the password of @Alice") names someone else as surely as an address does.
  if (request.params.mentionedUsers?.[0] !== undefined) return {};
  const own = request.requester.email?.normalize('NFKC').toLowerCase();
  // Invisible format characters (zero-width space, soft hyphen…) must not hide an address: "bob\u200b@…".
  const visible = request.text.normalize('NFKC').replace(/\p{Cf}/gu, '');
  for (const match of visible.matchAll(EMAIL)) {
    if (match[0].toLowerCase() !== own) return { name: match[0] };
  }
  return undefined;
}
