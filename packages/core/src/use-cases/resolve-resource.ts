import type { ActionKind } from '../domain/intent';
import { RESOURCE_ACTIONS } from '../domain/intent';
import { normalizeName } from '../domain/normalize-name';
import type { ResolvedResource, ServiceRequest } from '../domain/request';
import type { CatalogueEntry } from '../ports/policy-engine';
import type { CoreDeps } from './core-deps';

export type ResourceResolution =
  | { kind: 'none' }
  | { kind: 'resolved'; resource: ResolvedResource; entry: CatalogueEntry }
  | { kind: 'ask'; resourceKind: 'group' | 'app'; options: string[] }
  | { kind: 'suggest'; resourceKind: 'group' | 'app'; asked: string; options: string[] }
  | { kind: 'privileged'; asked: string }
  | { kind: 'unknown'; resourceKind: 'group' | 'app'; asked: string; options: string[] }
  | { kind: 'missing_in_idp'; resourceKind: 'group' | 'app'; name: string };

/**
 * Invariant 2: a group or app reaches an IdP call only as a catalogue entry resolved to the IdP's
 * own id. The classifier's slot is a search string: an exact (normalised) catalogue name resolves;
 * a near miss becomes "did you mean" buttons; a privileged name is refused; anything else is
 * never guessed.
 */
export async function resolveResource(deps: Pick<CoreDeps, 'idp' | 'policy'>, request: ServiceRequest): Promise<ResourceResolution> {
  const action = request.action as ActionKind;
  const resourceKind = RESOURCE_ACTIONS[action];
  if (!resourceKind) return { kind: 'none' };
  const entries = resourceKind === 'group' ? deps.policy.catalogue.groups : deps.policy.catalogue.apps;
  // The classifier may miss the slot; a catalogue name written in the message is as good ("add me to
  // engineering"). Only an exact (normalised) catalogue name counts, and only when exactly one appears.
  const mentioned = entries.filter((e) => containsName(request.text, e.name));
  const asked = request.params.resourceName?.trim() || (mentioned.length === 1 ? mentioned[0]?.name : undefined);
  if (!asked) return { kind: 'ask', resourceKind, options: entries.map((e) => e.name) };
  if (deps.policy.isPrivilegedName(asked)) return { kind: 'privileged', asked };

  const wanted = normalizeName(asked);
  const exact = entries.find((e) => normalizeName(e.name) === wanted);
  if (!exact) {
    const close = entries.filter((e) => isNear(normalizeName(e.name), wanted)).map((e) => e.name);
    return close.length > 0 ? { kind: 'suggest', resourceKind, asked, options: close } : { kind: 'unknown', resourceKind, asked, options: entries.map((e) => e.name) };
  }
  if (resourceKind === 'group') {
    const group = await deps.idp.findGroupByName(exact.name);
    if (!group) return { kind: 'missing_in_idp', resourceKind, name: exact.name };
    return { kind: 'resolved', entry: exact, resource: { kind: 'group', id: group.id, name: group.name, ownerEmail: exact.ownerEmail } };
  }
  const app = (await deps.idp.listApps()).find((a) => normalizeName(a.name) === wanted);
  if (!app) return { kind: 'missing_in_idp', resourceKind, name: exact.name };
  return { kind: 'resolved', entry: exact, resource: { kind: 'app', id: app.id, name: app.name, ownerEmail: exact.ownerEmail } };
}

function containsName(text: string, name: string): boolean {
  const words = (value: string): string[] => value.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const haystack = words(text);
  const needle = words(name);
  if (needle.length === 0) return false;
  return haystack.some((_, i) => needle.every((w, j) => haystack[i + j] === w));
}

/** Near miss: small edit distance relative to length, or one name containing the other. */
function isNear(a: string, b: string): boolean {
  if (a.length >= 4 && b.length >= 4 && (a.includes(b) || b.includes(a))) return true;
  const limit = Math.max(1, Math.floor(Math.max(a.length, b.length) / 4));
  return editDistance(a, b) <= limit;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const UNIT_DAYS: Record<string, number> = { hour: 1 / 24, hours: 1 / 24, day: 1, days: 1, week: 7, weeks: 7, month: 30, months: 30 };
const WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, fourteen: 14, thirty: 30 };

/** "for 2 weeks", "for three days", "for a month" → days (rounded up); undefined when none is said. */
export function parseDurationDays(text: string): number | undefined {
  const match = /\bfor\s+(?:the\s+next\s+)?(\d{1,3}|[a-z]+)\s+(hours?|days?|weeks?|months?)\b/i.exec(text);
  if (!match) return undefined;
  const amount = /^\d+$/.test(match[1] ?? '') ? Number(match[1]) : WORDS[(match[1] ?? '').toLowerCase()];
  const unit = UNIT_DAYS[(match[2] ?? '').toLowerCase()];
  if (amount === undefined || unit === undefined || amount <= 0) return undefined;
  return Math.max(1, Math.ceil(amount * unit));
}

/**
 * The grant's length: what the requester asked for, capped at the policy's maximum; the maximum
 * when they asked for nothing (a catalogue entry with maxDays is time-bound by policy); none otherwise.
 */
export function grantDays(requested: number | undefined, maxDays: number | undefined, defaultDays?: number): { days?: number; capped: boolean } {
  if (maxDays === undefined) return { days: requested ?? defaultDays, capped: false };
  const wanted = requested ?? defaultDays ?? maxDays;
  return { days: Math.min(wanted, maxDays), capped: requested !== undefined && requested > maxDays };
}
