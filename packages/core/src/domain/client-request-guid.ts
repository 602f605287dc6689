import { createHash } from 'node:crypto';

/**
 * Microsoft Graph expects `client-request-id` to be a GUID, and Entra's audit records carry it back as
 * `correlationId` (a Guid). Our request ids (`rq_…`) are not GUIDs, so the Entra adapter sends this
 * name-based GUID instead (RFC 4122 version 5 layout over SHA-256 of the request id): the same request
 * id always gives the same GUID, so reconciliation can recompute it from our audit log.
 */
export function clientRequestGuid(requestId: string): string {
  const bytes = createHash('sha256').update(`keyward:${requestId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
