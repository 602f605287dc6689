import { detectNonEnglish, isActionKind } from '@keyward/core';
import type { Classification, IntentName } from '@keyward/core';
import type { ExtractedSlots } from './rules/extract-slots';
import type { NegationResult } from './rules/detect-negation';

/** What the statistical core made of one text. */
export interface Scored {
  /** Probability per label, in the order of `labels`. */
  distribution: number[];
  evidence: string[];
  knownRatio: number;
  tokenCount: number;
}

export interface RuleInput {
  labels: readonly IntentName[];
  raw: string;
  /** `raw` after `normaliseText`. */
  normalised: string;
  slots: ExtractedSlots;
  negation: NegationResult;
  compromise?: string;
  injection?: string;
  whole: Scored;
  /** The text without negated clauses (same as `whole` when nothing is negated). */
  remainder: Scored;
  classifier: Classification['classifier'];
}

/** Confidence a high-precision rule claims; above the 0.6 clarification line on purpose. */
const RULE_CONFIDENCE = 0.85;
/** Injected text may still name an action, but never confidently enough to skip the clarifying question. */
const INJECTION_ACTION_CAP = 0.5;
const GREETING_START = /^(?:h+i+e*|h+e+y+a*|h+e+l+o+|hel+er|y+o+|a+y+|ey|hiya|howdy|ahoy|hola|bonjour|aloha|salut|salutations|greetings|good (?:morning|afternoon|evening|day)|morning|evening)\b/;
/**
 * "thanks!", "ok thank you", "great, cheers": a courtesy, answered like a greeting ("You're welcome!"),
 * never a "did you mean: Cancel" (the model alone puts the rare word "thanks" near "no thanks, cancel").
 * On normalised text, where "thank you", "thx" and "ty" are already "thanks".
 */
const THANKS = /^(?:(?:ok|okay|great|perfect|cool|awesome|nice|brilliant|super|sweet|lovely|got it|all good|that worked|it worked)\s+)*(?:thanks|cheers|many thanks|much appreciated|appreciate it)\b/;
/**
 * The bot's own replies tell people to 'Say "help"'; that one word is too short for the model to be
 * sure of (0.47), and answering it with "Did you mean…?" buttons would be a bot that cannot follow
 * its own instructions.
 */
const BARE_HELP = /^(?:help|help me|help please|please help|menu|commands)$/;
/**
 * The same for the status list: "status" alone is a word the model cannot be sure of (0.57), and
 * "Did you mean: Check my requests?" is the wrong answer to someone who typed exactly that.
 */
const BARE_STATUS = /^(?:(?:my |request |requests )?status(?: please| update| check)?|(?:my |any )?requests?|any updates?|any news)$/;
const REMOVE_VERB = /\b(?:remove|take me off|take me out|drop me|leave|revoke my|unsubscribe|no longer need)\b/i;
const EXPLICIT_PASSWORD_CHANGE = /\b(?:reset|change|new|update|rotate)\b.{0,25}\bpassword\b|\bpassword\b.{0,15}\b(?:reset|change)\b/;
const SLOT_INTENTS: Record<string, readonly IntentName[]> = {
  group: ['group_membership_add', 'group_membership_remove', 'privileged_access_request'],
  app: ['app_access_request'],
  role: ['privileged_access_request'],
  location: ['conditional_access_change'],
};

type Distribution = Map<IntentName, number>;

/** Sets `label` to `p` and rescales the rest to share 1 - p, keeping their order. */
function force(dist: Distribution, label: IntentName, p: number): void {
  const others = [...dist].filter(([l]) => l !== label).reduce((a, [, v]) => a + v, 0);
  for (const [l, v] of dist) dist.set(l, l === label ? p : others > 0 ? (v * (1 - p)) / others : (1 - p) / (dist.size - 1));
}

function raiseTo(dist: Distribution, label: IntentName, floor: number): void {
  if ((dist.get(label) ?? 0) < floor) force(dist, label, floor);
}

function ranked(dist: Distribution, labels: readonly IntentName[]): [IntentName, number][] {
  return [...dist].sort((a, b) => b[1] - a[1] || labels.indexOf(a[0]) - labels.indexOf(b[0]));
}

const round = (p: number): number => Math.round(Math.max(0, Math.min(1, p)) * 1000) / 1000;

/**
 * Turns the model's distribution into the Classification, applying the rules that must not be left
 * to statistics. Order matters: gibberish, then negation (a refused action must not be revived by a
 * later boost), then privileged names and compromise wording, then the injection cap last so that
 * nothing raises confidence after it.
 */
export function applyRules(input: RuleInput): Classification {
  const { labels, raw, slots, negation, whole, remainder } = input;
  const evidence: string[] = [];
  const toDist = (s: Scored): Distribution => new Map(labels.map((l, i) => [l, s.distribution[i] ?? 0]));
  let dist = toDist(whole);
  let negated = false;
  const outSlots: Record<string, string> = {};

  const hasNamedThing = slots.app !== undefined || slots.group !== undefined || slots.privileged !== undefined;
  const [modelTop, modelP] = ranked(dist, labels)[0] ?? ['unknown', 0];
  const confidentAction = isActionKind(modelTop) && modelP >= 0.5;
  const language = detectNonEnglish(raw);
  if (GREETING_START.test(input.normalised) && whole.tokenCount <= 4 && !confidentAction) {
    // "Hieeee", "heyyy bot", "ey boss": a short opener is a greeting however it is spelled.
    raiseTo(dist, 'greeting', RULE_CONFIDENCE);
    evidence.push('rule:greeting-opener', ...whole.evidence);
  } else if (THANKS.test(input.normalised) && whole.tokenCount <= 6 && !confidentAction) {
    raiseTo(dist, 'greeting', RULE_CONFIDENCE);
    evidence.push('rule:thanks', ...whole.evidence);
  } else if (language !== undefined && !(modelTop === 'greeting' && modelP >= 0.5)) {
    // Another language: the model knows English words only, and French shares enough of them
    // ("compte", "connecter") to look like an IT request. Not understood, said with conviction, so
    // the engine answers "English only" and offers a person instead of guessing.
    force(dist, 'unknown', RULE_CONFIDENCE);
    evidence.push(`rule:non-english(${language})`);
  } else if (BARE_HELP.test(input.normalised)) {
    raiseTo(dist, 'help', RULE_CONFIDENCE);
    evidence.push('rule:help-command', ...whole.evidence);
  } else if (BARE_STATUS.test(input.normalised)) {
    raiseTo(dist, 'status', RULE_CONFIDENCE);
    evidence.push('rule:status-command', ...whole.evidence);
  } else if (whole.tokenCount === 0 || !/\p{L}/u.test(raw)) {
    force(dist, 'unknown', 0.9);
    evidence.push('rule:empty');
  } else if (whole.knownRatio < 0.34 && whole.tokenCount <= 6 && !hasNamedThing) {
    // Mostly words we have never seen, typo-corrected or not: keyboard mash, another language.
    force(dist, 'unknown', 0.8);
    evidence.push(`rule:unfamiliar-words(${whole.knownRatio.toFixed(2)})`);
  } else {
    evidence.push(...whole.evidence);
  }

  // English negation cues mean nothing in another language ("no puedo" is not "I don't want").
  if (negation.negated && language === undefined) {
    evidence.push(...negation.evidence);
    const rest = toDist(remainder);
    const [restTop, restP] = ranked(rest, labels)[0] ?? ['unknown', 0];
    if (remainder.tokenCount > 0 && isActionKind(restTop) && restTop !== negation.topic && restP >= 0.5) {
      // "I don't want to add anyone, remove me from design-team": the other clause is the real ask.
      dist = rest;
      evidence.push(`rule:negated-clause-dropped,kept:${restTop}`);
    } else {
      // Decision: a negated action becomes `help` (or `cancel` when the user withdraws an earlier
      // ask), never the action label. The core's transition would ignore a negated action anyway,
      // but returning the action would still let a surface render "Reset your password?" buttons
      // next to a message that said "I don't need a reset". The topic slot keeps the subject so
      // the help answer can be about that action.
      negated = true;
      const intent: IntentName = negation.withdrawn && !negation.wantsGuidance ? 'cancel' : 'help';
      force(dist, intent, 0.8);
      if (negation.topic) {
        for (const l of labels) if (isActionKind(l)) dist.set(l, Math.min(dist.get(l) ?? 0, 0.02));
        dist.set(negation.topic, 0.1);
        outSlots.topic = negation.topic;
      }
      evidence.push(`rule:negated->${intent}`);
    }
  }

  const norm = input.normalised;
  if (slots.privileged && !negated && !REMOVE_VERB.test(raw)) {
    raiseTo(dist, 'privileged_access_request', 0.9);
    evidence.push(`rule:privileged:"${slots.privileged}"`);
  }

  // Inside an injection the alarming words are quoted bait ("this prompt has been hijacked"),
  // not a report from the account owner; flagging them would page security for every jailbreak.
  const compromiseSuspected = input.compromise !== undefined && !negated && input.injection === undefined;
  if (compromiseSuspected) {
    evidence.push(`rule:compromise:"${input.compromise ?? ''}"`);
    const top = ranked(dist, labels)[0]?.[0];
    if (EXPLICIT_PASSWORD_CHANGE.test(norm)) raiseTo(dist, 'password_reset', RULE_CONFIDENCE);
    // A stolen phone is first an MFA problem (the factor is in someone else's hands); the
    // compromise flag still makes the flow alert security.
    else if (/\b(?:mfa|phone)\b/.test(norm) && !/\b(?:signout|session|sessions|revoke)\b/.test(norm)) raiseTo(dist, 'mfa_reset', RULE_CONFIDENCE);
    else if (top !== 'privileged_access_request') raiseTo(dist, 'session_revoke', RULE_CONFIDENCE);
  }

  if (input.injection !== undefined) {
    evidence.push(`rule:injection:"${input.injection}"`);
    const [top, p] = ranked(dist, labels)[0] ?? ['unknown', 0];
    // An action survives an injection only when the short message plainly asks for it (p >= 0.6);
    // a long prompt, or a weak guess driven by a few stray words, is not a request we serve.
    if (whole.tokenCount > 30 || !isActionKind(top) || p < 0.6) {
      // A role-play prompt or a prompt-leak attempt: not a request we serve, said without conviction.
      force(dist, 'out_of_scope', 0.4);
      for (const l of labels) if (l !== 'out_of_scope') dist.set(l, Math.min(dist.get(l) ?? 0, 0.3));
    } else if (p > INJECTION_ACTION_CAP) {
      dist.set(top, INJECTION_ACTION_CAP);
      dist.set('out_of_scope', (dist.get('out_of_scope') ?? 0) + (p - INJECTION_ACTION_CAP));
    }
  }

  const order = ranked(dist, labels);
  const [intent, confidence] = order[0] ?? ['unknown', 0];
  for (const [name, value] of Object.entries({ group: slots.group, app: slots.app, role: slots.privileged, location: slots.location })) {
    if (value !== undefined && (SLOT_INTENTS[name] ?? []).includes(intent)) outSlots[name] = value;
  }
  // Always passed on, whatever the intent: it is a reason to refuse, and dropping it would hide that.
  if (slots.target !== undefined) {
    outSlots.target = slots.target;
    evidence.push(`rule:third-party-target:"${slots.target}"`);
  }
  return {
    intent,
    confidence: round(confidence),
    alternatives: order
      .slice(1)
      .filter(([, p]) => p >= 0.05)
      .slice(0, 3)
      .map(([l, p]) => ({ intent: l, confidence: round(p) })),
    slots: outSlots,
    evidence,
    compromiseSuspected,
    negated,
    classifier: input.classifier,
  };
}
