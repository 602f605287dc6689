import { clientRequestGuid } from '@keyward/core';
import type { AuditRecord } from '@keyward/core';
import { ALL_ENTRA_WRITE_ACTIVITIES, entraActorIds, entraTargetUserIds, expectedEntraActivities, isExpectedEntraActivity, normalizeActivity } from './entra-directory-audit';
import type { EntraDirectoryAudit } from './entra-directory-audit';
import { collectOurIdpActions, windowPredicate } from './our-idp-actions';
import type { OurIdpAction } from './our-idp-actions';

/** One change as Entra's audit log tells it. */
export interface EntraAction {
  /** The directoryAudit record's id. */
  id?: string;
  correlationId?: string;
  activity: string;
  category?: string;
  targetUserIds: string[];
  actorIds: string[];
  actorName?: string;
  result?: string;
  resultReason?: string;
  at?: string;
}

export interface EntraReconcileReport {
  /**
   * `entra`: records whose correlationId is one of our ids for the write (our request id or Graph's
   * request-id). `entraByTargetTime`: records tied to it only by target user, expected activity and
   * time — weaker evidence, reported as "matched (by target/time)" for a person to confirm.
   */
  matched: { ours: OurIdpAction; entra: EntraAction[]; entraByTargetTime: EntraAction[]; problems: string[] }[];
  /** We recorded a write Entra has no record of (in the compared window). */
  oursOnly: OurIdpAction[];
  /** Entra shows a change by our principal that our log does not explain: investigate first. */
  entraOnly: EntraAction[];
  window: { since?: string; until?: string };
}

export interface EntraReconcileOptions {
  /**
   * Keyward's principal: its application (client) id and/or service principal object id, matched
   * against initiatedBy.app. With it, EVERY record by the principal counts (directory audits hold
   * changes only, so anything the bot did that we did not log is worth a look); without it, only
   * the mapped write activities count, by anyone.
   */
  actorIds?: readonly string[];
  since?: Date;
  until?: Date;
  /** How far an Entra record may be from our audit event to be tied to it by target and time. Default 2 minutes. */
  toleranceMs?: number;
}

const DEFAULT_TOLERANCE_MS = 2 * 60_000;
const lower = (value: string): string => value.toLowerCase();

/**
 * Joins our audit events to an Entra directory-audit export and lists what appears on one side only.
 *
 * The join key. The adapter sends our request id as `client-request-id` on every Graph call and keeps
 * Graph's `request-id` response header as the audit event's idpRequestId (packages/idp-entra
 * graph-call.ts). Entra's record carries `correlationId`, which the Azure Monitor AuditLogs reference
 * describes as the "optional GUID that's passed by the client" — i.e. the client-request-id — and
 * which Graph types as a Guid (directoryAudit resource). Microsoft Graph asks for client-request-id
 * in GUID form, and ours (`rq_` + 24 hex) is not one, so it may not survive into correlationId; what
 * Entra records then is not documented. So a record joins by request id when its correlationId equals
 * either our request id or the write's Graph request-id (compared case-insensitively, GUIDs being
 * case-free). Anything else is tied by target user + an activity expected for our action + time
 * (±toleranceMs), and reported as matched (by target/time), never silently as a request-id match.
 * The by-target/time pass also absorbs the other records of one write — the method deletions before
 * a Temporary Access Pass, the session revocation after a compromised reset — whose Graph calls each
 * had their own request-id, while our audit event keeps only the last.
 *
 * A pair joined by request id is checked like the Okta one: an activity not expected for the action,
 * another target user, a result other than success.
 */
export function reconcileEntra(audit: readonly AuditRecord[], entraEvents: readonly EntraDirectoryAudit[], options: EntraReconcileOptions = {}): EntraReconcileReport {
  const inWindow = windowPredicate(options);
  const tolerance = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const ours = collectOurIdpActions(audit, inWindow);

  const byGraphRequestId = new Map<string, OurIdpAction>();
  // One request can make several audited writes (a grant, then its removal at expiry): same request id.
  const byOurRequestId = new Map<string, OurIdpAction[]>();
  for (const action of ours.values()) {
    byGraphRequestId.set(lower(action.idpRequestId), action);
    push(byOurRequestId, lower(action.requestId), action);
    // The Entra adapter sends clientRequestGuid(requestId) as client-request-id (Graph wants a GUID).
    push(byOurRequestId, lower(clientRequestGuid(action.requestId)), action);
  }
  const joinByRequestId = (action: EntraAction): OurIdpAction | undefined => {
    if (!action.correlationId) return undefined;
    const key = lower(action.correlationId);
    const exact = byGraphRequestId.get(key);
    if (exact) return exact;
    const candidates = byOurRequestId.get(key) ?? [];
    // Several writes under one request: the one whose action expects this activity, then the nearest in time.
    const at = action.at ? Date.parse(action.at) : Number.NaN;
    const rank = (our: OurIdpAction): number =>
      (isExpectedEntraActivity(expectedEntraActivities(our.action, our.auditType), action.activity) ? 0 : 1e15) + (Number.isNaN(at) ? 0 : Math.abs(Date.parse(our.at) - at));
    return [...candidates].sort((a, b) => rank(a) - rank(b))[0];
  };

  const actors = options.actorIds && options.actorIds.length > 0 ? new Set(options.actorIds.map(lower)) : undefined;
  const theirs: EntraAction[] = [];
  for (const event of entraEvents) {
    const activity = event.activityDisplayName?.trim();
    if (!activity) continue;
    const actorIds = entraActorIds(event);
    if (actors ? !actorIds.some((id) => actors.has(lower(id))) : !ALL_ENTRA_WRITE_ACTIVITIES.has(normalizeActivity(activity))) continue;
    const at = event.activityDateTime ? new Date(event.activityDateTime) : undefined;
    if (at && !Number.isNaN(at.getTime()) && !inWindow(at)) continue;
    theirs.push({
      ...(event.id ? { id: event.id } : {}),
      ...(event.correlationId ? { correlationId: event.correlationId } : {}),
      activity,
      ...(event.category ? { category: event.category } : {}),
      targetUserIds: entraTargetUserIds(event),
      actorIds,
      ...(event.initiatedBy?.app?.displayName ? { actorName: event.initiatedBy.app.displayName } : {}),
      ...(event.result ? { result: event.result } : {}),
      ...(event.resultReason ? { resultReason: event.resultReason } : {}),
      ...(event.activityDateTime ? { at: event.activityDateTime } : {}),
    });
  }

  const byRequestId = new Map<string, EntraAction[]>();
  const leftovers: EntraAction[] = [];
  for (const action of theirs) {
    const our = joinByRequestId(action);
    if (our) push(byRequestId, our.idpRequestId, action);
    else leftovers.push(action);
  }

  const byTargetTime = new Map<string, EntraAction[]>();
  const entraOnly: EntraAction[] = [];
  for (const action of leftovers) {
    const our = nearestByTargetAndTime(action, ours.values(), tolerance);
    if (our) push(byTargetTime, our.idpRequestId, action);
    else entraOnly.push(action);
  }

  const matched: EntraReconcileReport['matched'] = [];
  const oursOnly: OurIdpAction[] = [];
  for (const action of ours.values()) {
    const entra = byRequestId.get(action.idpRequestId) ?? [];
    const entraByTargetTime = byTargetTime.get(action.idpRequestId) ?? [];
    if (entra.length === 0 && entraByTargetTime.length === 0) {
      oursOnly.push(action);
      continue;
    }
    const problems: string[] = [];
    const expected = expectedEntraActivities(action.action, action.auditType);
    if (entra.length > 0 && expected && !entra.some((e) => isExpectedEntraActivity(expected, e.activity))) problems.push(`Entra recorded "${entra.map((e) => e.activity).join('", "')}" for a ${action.action ?? 'write'}`);
    const target = action.targetIdpUserId ? lower(action.targetIdpUserId) : undefined;
    if (target && entra.length > 0 && !entra.some((e) => e.targetUserIds.some((id) => lower(id) === target))) problems.push(`Entra's target ${entra.flatMap((e) => e.targetUserIds).join(', ') || '(none)'} is not ours (${action.targetIdpUserId})`);
    const failed = [...entra, ...entraByTargetTime].filter((e) => e.result && lower(e.result) !== 'success');
    if (failed.length > 0) problems.push(`Entra result ${failed.map((e) => `${e.result}${e.resultReason ? ` (${e.resultReason})` : ''} on "${e.activity}"`).join(', ')}`);
    matched.push({ ours: action, entra, entraByTargetTime, problems });
  }
  return { matched, oursOnly, entraOnly, window: { since: options.since?.toISOString(), until: options.until?.toISOString() } };
}

/** Our write on the same user, whose action expects this activity, closest in time within the tolerance. */
function nearestByTargetAndTime(action: EntraAction, ours: Iterable<OurIdpAction>, tolerance: number): OurIdpAction | undefined {
  const at = action.at ? Date.parse(action.at) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const targets = new Set(action.targetUserIds.map(lower));
  let best: { our: OurIdpAction; distance: number } | undefined;
  for (const our of ours) {
    if (!our.targetIdpUserId || !targets.has(lower(our.targetIdpUserId))) continue;
    if (!isExpectedEntraActivity(expectedEntraActivities(our.action, our.auditType), action.activity)) continue;
    const distance = Math.abs(Date.parse(our.at) - at);
    if (distance <= tolerance && (!best || distance < best.distance)) best = { our, distance };
  }
  return best?.our;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** True when both sides agree: nothing on one side only and no discrepancy (target/time matches are listed, not failed). */
export function isEntraReconciled(report: EntraReconcileReport): boolean {
  return report.oursOnly.length === 0 && report.entraOnly.length === 0 && report.matched.every((m) => m.problems.length === 0);
}

/** Plain-text report for the CLI. */
export function formatEntraReconcileReport(report: EntraReconcileReport): string {
  const lines: string[] = [];
  const withProblems = report.matched.filter((m) => m.problems.length > 0);
  const byTargetTimeOnly = report.matched.filter((m) => m.entra.length === 0);
  lines.push(
    `matched: ${report.matched.length} (by request id: ${report.matched.length - byTargetTimeOnly.length}, by target/time only: ${byTargetTimeOnly.length}; with discrepancies: ${withProblems.length}) · ours only: ${report.oursOnly.length} · Entra only: ${report.entraOnly.length}`,
  );
  for (const m of withProblems) lines.push(`  MISMATCH request ${m.ours.requestId} graph-request ${m.ours.idpRequestId}: ${m.problems.join('; ')}`);
  for (const m of byTargetTimeOnly) {
    lines.push(`  matched (by target/time) request ${m.ours.requestId} ${m.ours.action ?? '?'} target ${m.ours.targetIdpUserId ?? '?'} at ${m.ours.at} ↔ ${m.entraByTargetTime.map(describeEntra).join('; ')}`);
  }
  for (const o of report.oursOnly) lines.push(`  OURS ONLY  ${o.at} request ${o.requestId} ${o.action ?? '?'} target ${o.targetIdpUserId ?? '?'} graph-request ${o.idpRequestId} (seq ${o.seq})`);
  for (const e of report.entraOnly) lines.push(`  ENTRA ONLY ${describeEntra(e)} actor ${e.actorName ?? (e.actorIds.join('/') || '?')}`);
  return `${lines.join('\n')}\n`;
}

function describeEntra(e: EntraAction): string {
  return `${e.at ?? '?'} "${e.activity}" target ${e.targetUserIds.join(',') || '?'} result ${e.result ?? '?'} correlationId ${e.correlationId ?? '?'} (id ${e.id ?? '?'})`;
}
