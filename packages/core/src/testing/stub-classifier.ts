import type { Classification } from '../domain/intent';
import type { Classifier } from '../ports/classifier';

export const STUB_CLASSIFIER_ID = { name: 'stub-classifier', version: 'test' } as const;

/** A full Classification from the fields a test cares about; the rest is a confident, plain reading. */
export function classification(partial: Partial<Classification> = {}): Classification {
  return {
    intent: 'unknown',
    confidence: 0.95,
    alternatives: [],
    slots: {},
    evidence: ['stub'],
    compromiseSuspected: false,
    negated: false,
    classifier: { ...STUB_CLASSIFIER_ID },
    ...partial,
  };
}

export interface StubClassifier extends Classifier {
  /** Texts classified, in order. */
  seen(): string[];
  set(text: string, result: Partial<Classification>): void;
}

/**
 * Answers from a table keyed by the exact message text; anything else is `unknown` with zero
 * confidence. The table, not language, decides — the use cases are under test, not the model.
 */
export function createStubClassifier(map: Record<string, Partial<Classification>> = {}): StubClassifier {
  const table = new Map(Object.entries(map));
  const seen: string[] = [];
  return {
    async classify(text) {
      seen.push(text);
      const entry = table.get(text);
      return entry ? classification(entry) : classification({ intent: 'unknown', confidence: 0, evidence: [] });
    },
    seen: () => [...seen],
    set: (text, result) => {
      table.set(text, result);
    },
  };
}
