/*
 * The subset of an Okta System Log event (LogEvent, `GET /api/v1/logs`, Okta management spec) that
 * reconciliation reads. `transaction.id` is the id of the HTTP request that caused the event — the
 * same value Okta returned to us as `X-Okta-Request-Id` — and `debugContext.debugData.requestId`
 * repeats it for API calls (the spec warns debugData keys are not a stable contract, so both are read).
 * `transaction.detail.requestApiTokenId` is present when the call used an API token.
 */
export interface OktaLogEvent {
  uuid?: string;
  published?: string;
  eventType?: string;
  displayMessage?: string;
  actor?: { id?: string; type?: string; alternateId?: string; displayName?: string };
  outcome?: { result?: string; reason?: string | null };
  target?: { id?: string; type?: string; alternateId?: string; displayName?: string }[] | null;
  transaction?: { type?: string; id?: string; detail?: Record<string, unknown> | null };
  debugContext?: { debugData?: Record<string, unknown> | null };
}

/**
 * System Log event types produced by the writes Keyward makes, per action (Okta event type catalog:
 * developer.okta.com/docs/reference/api/event-types). Admin-initiated variants are the ones a
 * service principal triggers.
 */
export const OKTA_WRITE_EVENT_TYPES: Record<string, readonly string[]> = {
  password_reset: ['user.account.reset_password', 'user.account.update_password'],
  account_unlock: ['user.account.unlock_by_admin', 'user.account.unlock'],
  session_revoke: ['user.session.clear', 'user.session.end'],
  mfa_reset: ['user.mfa.factor.reset_all', 'user.mfa.factor.deactivate'],
  group_membership_add: ['group.user_membership.add'],
  group_membership_remove: ['group.user_membership.remove'],
  app_access_request: ['application.user_membership.add'],
};

export const ALL_OKTA_WRITE_EVENT_TYPES = new Set(Object.values(OKTA_WRITE_EVENT_TYPES).flat());

export function oktaRequestIdOf(event: OktaLogEvent): string | undefined {
  const fromDebug = event.debugContext?.debugData?.requestId;
  if (typeof fromDebug === 'string' && fromDebug) return fromDebug;
  const fromTransaction = event.transaction?.id;
  return typeof fromTransaction === 'string' && fromTransaction ? fromTransaction : undefined;
}

/** Parses an export: a JSON array of LogEvents (what `GET /api/v1/logs` returns), or JSON lines of them. */
export function parseOktaSystemLogExport(text: string): OktaLogEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new Error('expected a JSON array of System Log events');
    return parsed.filter(isObject) as OktaLogEvent[];
  }
  return trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as OktaLogEvent;
      } catch {
        throw new Error(`line ${index + 1} is not JSON`);
      }
    });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
