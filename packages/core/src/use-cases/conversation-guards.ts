import type { Classification, IntentName } from '../domain/intent';
import { isActionKind } from '../domain/intent';
import type { Classifier } from '../ports/classifier';

/**
 * Several requests in one message ("reset my password and add me to design-team"): each clause is
 * classified on its own. Two different actions → one clarification ("which first?"); any clause that
 * asks for privileged access taints the whole message (a disallowed request is never carried along
 * by an allowed one).
 */
export async function splitIntents(classifier: Classifier, text: string, threshold: number): Promise<{ actions: IntentName[]; privileged: boolean }> {
  const clauses = text
    .split(/\s*(?:;|\band then\b|\band also\b|\balso\b|\bplus\b|\band\b|\n)\s*/i)
    .map((c) => c.trim())
    .filter((c) => c.split(/\s+/).length >= 2)
    .slice(0, 4);
  if (clauses.length < 2) return { actions: [], privileged: false };
  const readings: Classification[] = [];
  for (const clause of clauses) readings.push(await classifier.classify(clause));
  const actions = readings.filter((r) => isActionKind(r.intent) && !r.negated && r.confidence >= threshold).map((r) => r.intent);
  return { actions: [...new Set(actions)], privileged: readings.some((r) => r.intent === 'privileged_access_request' && r.confidence >= threshold) };
}

/**
 * "thanks!", "thank you", "ok thanks", "great, thank you so much": a short courtesy with nothing to
 * do. "no thanks" is a refusal, not a thank-you, and a longer message may carry a request.
 */
export function isThanks(text: string): boolean {
  const words = text.toLowerCase().replace(/[^\p{L}\p{N}\s']+/gu, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 8 || words[0] === 'no' || words.includes('not')) return false;
  return /(?:^| )(?:thanks|thank you|thank u|thankyou|thx|thnx|ty|tysm|cheers|much appreciated|appreciate it)(?: |$)/.test(words.join(' '));
}
