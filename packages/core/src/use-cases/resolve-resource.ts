import type { ActionKind } from '../domain/intent';
import { RESOURCE_ACTIONS } from '../domain/intent';
import { normalizeName } from '../domain/normalize-name';
import type { ResolvedResource, ServiceRequest } from '../domain/request';
import type { IdpApp } from '../ports/identity-provider';
import type { CatalogueEntry } from '../ports/policy-engine';
import type { CoreDeps } from './core-deps';

export type ResourceResolution =
  | { kind: 'none' }
  | { kind: 'resolved'; resource: ResolvedResource; entry: CatalogueEntry }
  | { kind: 'ask'; resourceKind: 'group' | 'app'; options: string[] }
  | { kind: 'suggest'; resourceKind: 'group' | 'app'; asked: string; options: string[] }
  | { kind: 'privileged'; asked: string }
  | { kind: 'unknown'; resourceKind: 'group' | 'app'; asked: string; options: string[] }
  | { kind: 'missing_in_idp'; resourceKind: 'group' | 'app'; name: string; lookalikes?: string[] }
  | { kind: 'ambiguous_in_idp'; resourceKind: 'app'; name: string; candidates: { id: string; name: string }[] };

/**
 * Invariant 2: a group or app reaches an IdP call only as a catalogue entry resolved to the IdP's
 * own id. The classifier's slot is a search string: an exact (normalised) catalogue name resolves;
 * a near miss — of the slot, or of words of the message ("add me to desing team") — becomes "did you
 * mean" buttons, whose click names the catalogue entry exactly; a privileged name is refused and never
 * offered; anything else is never guessed.
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
  // Never offered as a choice, even when the policy's catalogue lists one by mistake.
  const offerable = entries.filter((e) => !deps.policy.isPrivilegedName(e.name));
  if (!asked) {
    const near = nearEntries(offerable, undefined, request.text);
    if (near.names.length > 0 && near.phrase !== undefined) return { kind: 'suggest', resourceKind, asked: near.phrase, options: near.names };
    return { kind: 'ask', resourceKind, options: offerable.map((e) => e.name) };
  }
  if (deps.policy.isPrivilegedName(asked)) return { kind: 'privileged', asked };

  const wanted = normalizeName(asked);
  const exact = entries.find((e) => normalizeName(e.name) === wanted);
  if (!exact) {
    const near = nearEntries(offerable, asked, request.text);
    return near.names.length > 0 ? { kind: 'suggest', resourceKind, asked, options: near.names } : { kind: 'unknown', resourceKind, asked, options: offerable.map((e) => e.name) };
  }
  if (resourceKind === 'group') {
    const group = await deps.idp.findGroupByName(exact.name);
    if (!group) return { kind: 'missing_in_idp', resourceKind, name: exact.name };
    return { kind: 'resolved', entry: exact, resource: { kind: 'group', id: group.id, name: group.name, ownerEmail: exact.ownerEmail } };
  }
  return resolveApp(await deps.idp.listApps(), exact);
}

/** An app label compared as written: trimmed, NFC, case-insensitive — never homoglyph-folded. */
function appLabel(value: string): string {
  return value.trim().normalize('NFC').toLowerCase();
}

/**
 * Invariant 2 for apps: exactly one IdP app whose label is the catalogue name as written. Labels
 * that fold to the same name (a look-alike "Fіgma" with a Cyrillic і, or "Salesforce" beside
 * "salesforce") make the choice ambiguous: nothing is assigned and a person decides. A look-alike
 * alone is never used.
 */
function resolveApp(apps: readonly IdpApp[], entry: CatalogueEntry): ResourceResolution {
  const folded = normalizeName(entry.name);
  const label = appLabel(entry.name);
  const candidates = apps.filter((a) => normalizeName(a.name) === folded || appLabel(a.name) === label);
  const matches = candidates.filter((a) => appLabel(a.name) === label);
  if (candidates.length > 1) return { kind: 'ambiguous_in_idp', resourceKind: 'app', name: entry.name, candidates: candidates.map((a) => ({ id: a.id, name: a.name })) };
  const app = matches[0];
  if (!app) return { kind: 'missing_in_idp', resourceKind: 'app', name: entry.name, ...(candidates.length > 0 ? { lookalikes: candidates.map((a) => a.name) } : {}) };
  return { kind: 'resolved', entry, resource: { kind: 'app', id: app.id, name: app.name, ownerEmail: entry.ownerEmail } };
}

function containsName(text: string, name: string): boolean {
  const words = (value: string): string[] => value.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const haystack = words(text);
  const needle = words(name);
  if (needle.length === 0) return false;
  return haystack.some((_, i) => needle.every((w, j) => haystack[i + j] === w));
}

/**
 * Catalogue entries a request may have meant: near the slot (a typo, or one name containing the
 * other: "design" → design-team), or a typo of a run of words of the message, for a slot cut short
 * or missing ("add me to desing team" gives the slot "desing"). `phrase` is the words that matched.
 */
function nearEntries(entries: readonly CatalogueEntry[], asked: string | undefined, text: string): { names: string[]; phrase?: string } {
  const slot = asked === undefined ? undefined : normalizeName(asked);
  const names: string[] = [];
  let phrase: string | undefined;
  for (const entry of entries) {
    const name = normalizeName(entry.name);
    if (slot !== undefined && isNear(name, slot)) {
      names.push(entry.name);
      continue;
    }
    const words = entry.name.split(/[^\p{L}\p{N}]+/u).filter(Boolean).length;
    const match = phrasesOf(text, words + 1).find((p) => isTypo(name, p.folded));
    if (match) {
      names.push(entry.name);
      phrase ??= match.raw;
    }
  }
  return { names, phrase };
}

/** Every run of 1..maxWords consecutive words of the text, as written and normalised. */
function phrasesOf(text: string, maxWords: number): { raw: string; folded: string }[] {
  const words = text.normalize('NFKC').split(/[^\p{L}\p{N}_.-]+/u).filter(Boolean);
  const out: { raw: string; folded: string }[] = [];
  for (let i = 0; i < words.length; i += 1) {
    for (let n = 1; n <= maxWords && i + n <= words.length; n += 1) {
      const raw = words.slice(i, i + n).join(' ');
      out.push({ raw, folded: normalizeName(raw) });
    }
  }
  return out;
}

/** Near miss of a slot: a small typo, or one name containing the other (both at least 4 letters). */
function isNear(a: string, b: string): boolean {
  if (a.length >= 4 && b.length >= 4 && (a.includes(b) || b.includes(a))) return true;
  return isTypo(a, b);
}

/**
 * A small typo on normalised names: at most 1 edit for names of 4 to 7 characters and 2 from 8 on
 * (a swap of two neighbouring letters is one edit); names shorter than 4 must match exactly.
 */
function isTypo(a: string, b: string): boolean {
  const limit = Math.min(2, Math.floor(Math.min(a.length, b.length) / 4));
  return limit > 0 && Math.abs(a.length - b.length) <= limit && typoDistance(a, b) <= limit;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function typoDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

const UNIT_DAYS: Record<string, number> = {
  minute: 1 / 1440, minutes: 1 / 1440, min: 1 / 1440, mins: 1 / 1440,
  hour: 1 / 24, hours: 1 / 24, hr: 1 / 24, hrs: 1 / 24, h: 1 / 24,
  day: 1, days: 1, d: 1,
  week: 7, weeks: 7, wk: 7, wks: 7, w: 7,
  fortnight: 14, fortnights: 14,
  month: 30, months: 30, mo: 30, mos: 30, mth: 30, mths: 30,
  year: 365, years: 365, yr: 365, yrs: 365, y: 365,
};
const UNIT = '(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|fortnights?|months?|mos?|mths?|years?|yrs?|y)';
const ONES: Record<string, number> = {
  zero: 0, no: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, couple: 2, few: 3, several: 3, half: 0.5,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100 };

/** How long a grant is when the requester says it is temporary but not for how long (a week). */
export const TEMPORARY_GRANT_DAYS = 7;
/** Longest length we read from a message; anything longer is reported as this (then capped by policy). */
export const LONGEST_READ_DAYS = 36_500;

/** "12", "1,000", "1.5", "twenty-one", "thirty", "a", "a couple of" → a number; undefined otherwise. */
function readAmount(raw: string): number | undefined {
  const text = raw.trim().toLowerCase().replace(/\s+of$/, '');
  if (/^-?\s?\d{1,3}(?:,\d{3})+$/.test(text)) return Number(text.replace(/[\s,]/g, ''));
  if (/^-?\s?\d+(?:[.,]\d+)?$/.test(text)) return Number(text.replace(/\s/g, '').replace(',', '.'));
  const words = text.split(/[\s-]+/).filter((w) => w !== 'and');
  let total = 0;
  for (const word of words) {
    const value = ONES[word] ?? TENS[word];
    if (value === undefined) return undefined;
    total = word === 'hundred' ? Math.max(1, total) * 100 : total + value;
  }
  return words.length > 0 ? total : undefined;
}

/**
 * The length the requester asked for, in whole days (rounded up, at least 1, at most
 * LONGEST_READ_DAYS), or undefined when they asked for none. Least privilege where the words are odd:
 * "for 0 days" or "for -3 days" is the shortest grant (1 day), never the policy's maximum; "today",
 * "a few hours", "half a day" are 1 day; "this week" 7; "temporarily", "until Friday", or a length we
 * cannot read ("for a good while", "for 2 sprints") are a short grant (TEMPORARY_GRANT_DAYS), never
 * the maximum.
 */
export function parseDurationDays(text: string): number | undefined {
  const lower = text.toLowerCase().replace(/\ba (couple|few)\b/g, '$1').replace(/\bhalf an? /g, 'half ');
  const amountThenUnit = new RegExp(`\\bfor\\s+(?:the\\s+next\\s+|the\\s+|about\\s+|around\\s+|just\\s+|only\\s+|roughly\\s+|approximately\\s+)?(-?\\s?[\\d.,]+|[a-z]+(?:[\\s-]+(?:and[\\s-]+)?[a-z]+){0,3}?)\\s*(?:more\\s+|full\\s+|business\\s+|working\\s+|calendar\\s+)?${UNIT}\\b`, 'i');
  const match = amountThenUnit.exec(lower);
  if (match) {
    const amount = readAmount(match[1] ?? '');
    const unit = UNIT_DAYS[match[2] ?? ''];
    if (amount !== undefined && unit !== undefined) return Number.isNaN(amount) ? TEMPORARY_GRANT_DAYS : Math.min(LONGEST_READ_DAYS, Math.max(1, Math.ceil(amount * unit)));
  }
  const bare = new RegExp(`\\bfor\\s+(?:a|an|one)\\s+${UNIT}\\b`, 'i').exec(lower);
  if (bare) return Math.max(1, Math.ceil(UNIT_DAYS[bare[1] ?? ''] ?? 1));
  if (/\b(?:today|tonight|this (?:morning|afternoon|evening)|for the (?:day|morning|afternoon|evening)|(?:half|rest of) (?:a|the) day|(?:a|an|one|few|couple of) (?:hours?|minutes?))\b/i.test(lower)) return 1;
  if (/\b(?:this|the rest of the) week\b/i.test(lower)) return TEMPORARY_GRANT_DAYS;
  if (/\b(?:temporar(?:y|ily)|for a (?:while|bit|short (?:time|while))|short[- ]term|until|till|til)\b/i.test(lower)) return TEMPORARY_GRANT_DAYS;
  // A length was said but not one we can read ("for 2 sprints", "for a good while"): short, never the maximum.
  if (new RegExp(`\\bfor\\s+[^.!?]{0,30}?(?<![a-z])${UNIT}\\b`, 'i').test(lower) || /\bfor\s+(?:\S+\s+){0,2}(?:while|bit|sprints?|quarters?|semesters?|seasons?|terms?)\b/i.test(lower)) return TEMPORARY_GRANT_DAYS;
  return undefined;
}

/** Actions whose grant can be time-bound; a length said in any other request means nothing. */
export const TIME_BOUND_ACTIONS: ReadonlySet<string> = new Set(['group_membership_add', 'app_access_request', 'conditional_access_change']);
/** No grant is longer than this, whatever the policy leaves open (ten years). */
export const LONGEST_GRANT_DAYS = 3650;

/**
 * The grant's length: what the requester asked for, capped at the policy's maximum; the maximum
 * when they asked for nothing (a catalogue entry with maxDays is time-bound by policy); none otherwise.
 */
export function grantDays(requested: number | undefined, maxDays: number | undefined, defaultDays?: number): { days?: number; capped: boolean } {
  const ceiling = Math.min(maxDays ?? LONGEST_GRANT_DAYS, LONGEST_GRANT_DAYS);
  const wanted = requested ?? defaultDays ?? maxDays;
  if (wanted === undefined || !Number.isFinite(wanted)) return { capped: false };
  return { days: Math.max(1, Math.min(Math.ceil(wanted), ceiling)), capped: requested !== undefined && requested > ceiling };
}
