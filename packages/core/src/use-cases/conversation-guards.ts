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

const NON_ENGLISH: { language: string; pattern: RegExp }[] = [
  { language: 'Spanish', pattern: /\b(contraseña|olvid[eé]|cuenta|bloquead[oa]|necesito|ayuda|hola|por favor)\b/i },
  { language: 'French', pattern: /\b(mot de passe|oubli[eé]|compte|bloqu[eé]|besoin|aide|bonjour|s'il vous plaît)\b/i },
  { language: 'German', pattern: /\b(passwort|kennwort|vergessen|konto|gesperrt|brauche|hilfe|hallo|bitte)\b/i },
  { language: 'Portuguese', pattern: /\b(senha|esqueci|conta|bloquead[oa]|preciso|ajuda|olá|obrigad[oa])\b/i },
  { language: 'Italian', pattern: /\b(password dimenticata|dimenticato|account bloccato|aiuto|ciao|per favore)\b/i },
  { language: 'Dutch', pattern: /\b(wachtwoord|vergeten|geblokkeerd|hulp|alsjeblieft)\b/i },
];

/** A best guess that a message is not in English (script or common words); undefined when it looks English. */
export function guessNonEnglish(text: string): string | undefined {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length >= 3) {
    const latin = letters.filter((ch) => /\p{Script=Latin}/u.test(ch)).length;
    if (latin / letters.length < 0.5) return 'another language';
  }
  return NON_ENGLISH.find((entry) => entry.pattern.test(text))?.language;
}
