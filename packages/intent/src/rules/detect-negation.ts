import type { ActionKind } from '@keyward/core';
import { normaliseText } from '../text/normalise-text';

export interface NegationResult {
  /** Some clause refuses an action ("I don't need a reset"). */
  negated: boolean;
  /** The action the negated clause talks about, kept as a `topic` slot so help can be specific. */
  topic?: ActionKind;
  /** The message without its negated clauses; what the user does want, if anything. */
  remainder: string;
  /** The user asks how to do it themselves ("just tell me how"). */
  wantsGuidance: boolean;
  /** "no longer", "anymore": the user is withdrawing an earlier ask. */
  withdrawn: boolean;
  evidence: string[];
}

/**
 * Only negations of *wanting* an action count. "I can't log in", "my MFA doesn't work" and
 * "I don't remember my password" are negative sentences that are still requests; treating them as
 * negations would make the bot refuse its most common job. So the cue must be a refusal verb.
 */
const NEGATION_CUE = /\b(?:do not|does not|not|no|never) (?:really |actually |even )?(?:need|want|require|wish|asking|ask|looking|requesting|trying)\b|\bno need\b|\bno longer (?:need|want|require)\b|\binstead of\b|\bdo not (?:reset|unlock|remove|add|change|revoke|signout|touch|delete|disable|wipe)\b|\bplease do not\b/;

/** Most specific first: "MFA reset" is about MFA, not the password. */
const TOPICS: readonly [RegExp, ActionKind][] = [
  [/\bmfa\b/, 'mfa_reset'],
  [/\b(?:unlock|lockedout|locked)\b/, 'account_unlock'],
  [/\b(?:signout|session|sessions|revoke)\b/, 'session_revoke'],
  [/\b(?:admin|privilege|privileged|elevated)\b/, 'privileged_access_request'],
  [/\b(?:reset|password|change it|new password)\b/, 'password_reset'],
  [/\b(?:remove|leave|take me off|unsubscribe)\b/, 'group_membership_remove'],
  [/\b(?:group|team|add|join)\b/, 'group_membership_add'],
  [/\b(?:access|licen[cs]e|install)\b/, 'app_access_request'],
];

const GUIDANCE = /\b(?:how (?:do|can|to|should|would)|tell me how|show me how|explain|instructions|steps|guide|myself|on my own|by myself|self service|link to the docs|documentation)\b/;
const WITHDRAWN = /\b(?:no longer|anymore|any more|not anymore|already (?:fixed|sorted|solved|done))\b/;

/** Clause boundaries: punctuation and the contrast words that usually start the real ask. */
const CLAUSE_SPLIT = /[.;!?,\n]+|\b(?:but|just|instead|rather|however|though|although)\b/i;

export function detectNegation(raw: string, normalisedWhole: string = normaliseText(raw)): NegationResult {
  const clauses = raw.split(CLAUSE_SPLIT).map((c) => c.trim()).filter((c) => c.length > 0);
  const kept: string[] = [];
  const evidence: string[] = [];
  let topic: ActionKind | undefined;
  let negated = false;
  for (const clause of clauses) {
    const n = normaliseText(clause);
    const cue = NEGATION_CUE.exec(n);
    const clauseTopic = cue ? TOPICS.find(([p]) => p.test(n.slice(cue.index)))?.[1] : undefined;
    if (cue && clauseTopic) {
      negated = true;
      topic ??= clauseTopic;
      evidence.push(`negation:"${cue[0]}"->${clauseTopic}`);
    } else {
      kept.push(clause);
    }
  }
  const whole = normalisedWhole;
  return {
    negated,
    topic,
    remainder: kept.join(', '),
    wantsGuidance: GUIDANCE.test(whole),
    withdrawn: WITHDRAWN.test(whole),
    evidence,
  };
}
