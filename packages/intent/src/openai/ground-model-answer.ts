import type { Catalogue, ModelAnswer } from './model-answer.schema';

/**
 * Folds case, compatibility forms (NFKC: full-width letters, ligatures), accents and separators, so
 * that "Design Team", "design-team" and "ｄｅｓｉｇｎ_team" compare equal and a slot can be found in the
 * text it claims to come from.
 */
export function foldForMatch(value: string): string {
  return value
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Slots that name a thing or a person an IdP call could act on: an invented one rejects the answer. */
const IDENTIFYING_SLOTS = ['group', 'app', 'target', 'location'] as const;
/** Free-text slots: never an identifier, so an ungrounded one is dropped rather than failing the answer. */
const DESCRIPTIVE_SLOTS = ['duration', 'reason'] as const;

export type GroundingResult =
  | { ok: true; slots: Record<string, string>; evidence: string[]; dropped: string[] }
  | { ok: false; reason: string };

/**
 * Checks that every slot the model proposes is present in the message (F21: a model that answers
 * `group: "Domain Admins"` when the user wrote "design-team" has invented a target). Grounding is
 * on the user's text only: a catalogue name is accepted when the message names it in another
 * spelling, and is then returned in the catalogue's spelling; a catalogue name the message does
 * not mention is as invented as any other.
 */
export function groundModelAnswer(text: string, answer: ModelAnswer, catalogue: Catalogue | undefined): GroundingResult {
  const haystack = foldForMatch(text);
  const slots: Record<string, string> = {};
  const dropped: string[] = [];
  for (const name of IDENTIFYING_SLOTS) {
    const value = answer.slots[name]?.trim();
    if (!value) continue;
    const folded = foldForMatch(value);
    if (folded.length === 0 || !haystack.includes(folded)) return { ok: false, reason: `invented ${name} "${value.slice(0, 60)}"` };
    const known = name === 'group' ? catalogue?.groups : name === 'app' ? catalogue?.apps : undefined;
    slots[name] = known?.find((k) => foldForMatch(k) === folded) ?? value;
  }
  for (const name of DESCRIPTIVE_SLOTS) {
    const value = answer.slots[name]?.trim();
    if (!value) continue;
    const folded = foldForMatch(value);
    if (folded.length > 0 && haystack.includes(folded)) slots[name] = value;
    else dropped.push(name);
  }
  // Quotes that are not in the message say nothing about it; keep the ones that are.
  const evidence = answer.evidence
    .map((e) => e.trim())
    .filter((e) => e.length > 0 && e.length <= 80 && haystack.includes(foldForMatch(e)))
    .slice(0, 5)
    .map((e) => `quote:"${e}"`);
  return { ok: true, slots, evidence, dropped };
}
