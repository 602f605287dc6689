import type { AuditRecord } from '@keyward/core';
import { ALL_OKTA_WRITE_EVENT_TYPES, OKTA_WRITE_EVENT_TYPES, oktaRequestIdOf } from './okta-system-log';
import type { OktaLogEvent } from './okta-system-log';
import { collectOurIdpActions, windowPredicate } from './our-idp-actions';
import type { OurIdpAction } from './our-idp-actions';

export type { OurIdpAction } from './our-idp-actions';

/** One write as Okta's System Log tells it. */
export interface OktaAction {
  idpRequestId?: string;
  eventType: string;
  targetUserIds: string[];
  actorId?: string;
  outcome?: string;
  published?: string;
  uuid?: string;
}

export interface ReconcileReport {
  matched: { ours: OurIdpAction; okta: OktaAction[]; problems: string[] }[];
  /** We recorded a write Okta has no event for (in the compared window). */
  oursOnly: OurIdpAction[];
  /** Okta shows a write by our principal that our log does not explain: investigate first. */
  oktaOnly: OktaAction[];
  window: { since?: string; until?: string };
}

export interface ReconcileOptions {
  /** Okta actor ids of Keyward's principal (service app client id, or the API token's user). Without it every write event counts. */
  actorIds?: readonly string[];
  since?: Date;
  until?: Date;
}

/**
 * Joins our audit events to an Okta System Log export by Okta request id (our `idpRequestId` =
 * X-Okta-Request-Id; theirs = transaction.id / debugData.requestId). Our side: audit events carrying
 * an idpRequestId (one per write; repeats for the same id count once). Their side: write event types
 * (OKTA_WRITE_EVENT_TYPES) by our principal. Lists what appears on one side only, and for pairs,
 * a different target user or a failed outcome.
 */
export function reconcileOktaSystemLog(audit: readonly AuditRecord[], oktaEvents: readonly OktaLogEvent[], options: ReconcileOptions = {}): ReconcileReport {
  const inWindow = windowPredicate(options);
  const ours = collectOurIdpActions(audit, inWindow);

  const actors = options.actorIds && options.actorIds.length > 0 ? new Set(options.actorIds) : undefined;
  const theirs: OktaAction[] = [];
  for (const event of oktaEvents) {
    if (!event.eventType || !ALL_OKTA_WRITE_EVENT_TYPES.has(event.eventType)) continue;
    if (actors && !actors.has(event.actor?.id ?? '')) continue;
    if (event.published && !inWindow(new Date(event.published))) continue;
    theirs.push({
      idpRequestId: oktaRequestIdOf(event),
      eventType: event.eventType,
      targetUserIds: (event.target ?? []).filter((t) => t.type === 'User' && t.id).map((t) => t.id as string),
      actorId: event.actor?.id,
      outcome: event.outcome?.result,
      published: event.published,
      uuid: event.uuid,
    });
  }

  const byRequestId = new Map<string, OktaAction[]>();
  const oktaOnly: OktaAction[] = [];
  for (const action of theirs) {
    if (action.idpRequestId && ours.has(action.idpRequestId)) {
      const list = byRequestId.get(action.idpRequestId) ?? [];
      list.push(action);
      byRequestId.set(action.idpRequestId, list);
    } else oktaOnly.push(action);
  }

  const matched: ReconcileReport['matched'] = [];
  const oursOnly: OurIdpAction[] = [];
  for (const action of ours.values()) {
    const okta = byRequestId.get(action.idpRequestId);
    if (!okta) {
      oursOnly.push(action);
      continue;
    }
    const problems: string[] = [];
    const expected = action.action ? OKTA_WRITE_EVENT_TYPES[action.action] : undefined;
    if (expected && !okta.some((o) => expected.includes(o.eventType))) problems.push(`Okta recorded ${okta.map((o) => o.eventType).join(', ')} for a ${action.action}`);
    if (action.targetIdpUserId && !okta.some((o) => o.targetUserIds.includes(action.targetIdpUserId as string))) problems.push(`Okta's target ${okta.flatMap((o) => o.targetUserIds).join(', ') || '(none)'} is not ours (${action.targetIdpUserId})`);
    if (okta.some((o) => o.outcome && o.outcome !== 'SUCCESS')) problems.push(`Okta outcome ${okta.map((o) => o.outcome).join(', ')}`);
    matched.push({ ours: action, okta, problems });
  }
  return { matched, oursOnly, oktaOnly, window: { since: options.since?.toISOString(), until: options.until?.toISOString() } };
}

/** Plain-text report for the CLI; exit status is the caller's (non-zero when anything is unmatched). */
export function formatReconcileReport(report: ReconcileReport): string {
  const lines: string[] = [];
  const withProblems = report.matched.filter((m) => m.problems.length > 0);
  lines.push(`matched: ${report.matched.length} (with discrepancies: ${withProblems.length}) · ours only: ${report.oursOnly.length} · Okta only: ${report.oktaOnly.length}`);
  for (const m of withProblems) lines.push(`  MISMATCH request ${m.ours.requestId} okta-request ${m.ours.idpRequestId}: ${m.problems.join('; ')}`);
  for (const o of report.oursOnly) lines.push(`  OURS ONLY  ${o.at} request ${o.requestId} ${o.action ?? '?'} target ${o.targetIdpUserId ?? '?'} okta-request ${o.idpRequestId} (seq ${o.seq})`);
  for (const o of report.oktaOnly) lines.push(`  OKTA ONLY  ${o.published ?? '?'} ${o.eventType} target ${o.targetUserIds.join(',') || '?'} actor ${o.actorId ?? '?'} okta-request ${o.idpRequestId ?? '?'} (uuid ${o.uuid ?? '?'})`);
  return `${lines.join('\n')}\n`;
}
