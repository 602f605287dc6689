import type { ExtractedSlots } from '../rules/extract-slots';
import { normaliseText, tokenise } from './normalise-text';
import { stemToken } from './stem-token';
import { createTypoCorrector } from './typo-corrector';

export interface Featurised {
  /** Corrected, stemmed tokens. */
  tokens: string[];
  /** Unigrams plus adjacent-pair bigrams: "sign out" and "out of office" differ only in pairs. */
  features: string[];
  /** Share of the original tokens found in the vocabulary (after typo correction). */
  knownRatio: number;
  /** Tokens the typo corrector changed, for the evidence trail ("pasword->password"). */
  corrections: string[];
}

export interface Featuriser {
  featurise(raw: string, slots: ExtractedSlots): Featurised;
}

/** Named entities become placeholder words so "add me to design-team" generalises to any group. */
export function applyPlaceholders(raw: string, slots: ExtractedSlots): string {
  let text = raw.normalize('NFKC');
  for (const r of slots.replacements) {
    const at = text.toLowerCase().indexOf(r.text.toLowerCase());
    if (at >= 0) text = `${text.slice(0, at)} ${r.placeholder} ${text.slice(at + r.text.length)}`;
  }
  return text;
}

function toFeatures(tokens: readonly string[]): string[] {
  const features = [...tokens];
  for (let i = 0; i + 1 < tokens.length; i += 1) features.push(`${tokens[i] ?? ''}_${tokens[i + 1] ?? ''}`);
  return features;
}

/**
 * Builds the vocabulary (and so the typo corrector) from the training texts. The same pipeline runs
 * on training rows and on live messages, so every normalisation choice cancels out.
 */
export function createFeaturiser(trainingTexts: readonly { raw: string; slots: ExtractedSlots }[]): Featuriser {
  const frequencies = new Map<string, number>();
  for (const t of trainingTexts) {
    for (const token of tokenise(normaliseText(applyPlaceholders(t.raw, t.slots)))) frequencies.set(token, (frequencies.get(token) ?? 0) + 1);
  }
  const corrector = createTypoCorrector(frequencies);
  return {
    featurise(raw, slots) {
      const surface = tokenise(normaliseText(applyPlaceholders(raw, slots)));
      const corrections: string[] = [];
      let known = 0;
      const tokens = surface.map((token) => {
        const corrected = corrector.correct(token);
        if (corrector.isKnown(corrected)) known += 1;
        if (corrected !== token) corrections.push(`${token}->${corrected}`);
        return stemToken(corrected);
      });
      return { tokens, features: toFeatures(tokens), knownRatio: surface.length === 0 ? 0 : known / surface.length, corrections };
    },
  };
}
