import { foldConfusables } from '@keyward/core';
import type { Classification, Classifier, IntentName } from '@keyward/core';
import { DEFAULT_TRAINING_FILE, readLabelledRows } from './labelled-rows';
import type { LabelledRow } from './labelled-rows';
import { argmax } from './model/argmax';
import { trainNaiveBayes } from './model/naive-bayes';
import { trainTfidfKnn } from './model/tfidf-knn';
import { detectCompromise } from './rules/detect-compromise';
import { detectInjection } from './rules/detect-injection';
import { detectNegation } from './rules/detect-negation';
import { extractSlots } from './rules/extract-slots';
import { createFeaturiser } from './text/create-featuriser';
import { normaliseText } from './text/normalise-text';
import { applyRules } from './apply-rules';
import type { Scored } from './apply-rules';

/** Bumped whenever the training file, features or rules change: it is recorded on every audit event. */
export const OFFLINE_CLASSIFIER_VERSION = '1.3.0';

export interface OfflineClassifierOptions {
  /** Training rows; defaults to the package's own `data/train.jsonl`. */
  trainingRows?: readonly LabelledRow[];
  /** Blend and calibration knobs; the defaults were chosen on training-set cross-validation. */
  tuning?: Partial<ClassifierTuning>;
}

export interface ClassifierTuning {
  /** Weight of naive Bayes against nearest neighbours in the blend. */
  nbWeight: number;
  /** Sharpness of the softmax over per-label best similarities. */
  knnSharpness: number;
  /** Below this best similarity a message is treated as increasingly out of domain. */
  oodSimilarity: number;
  /** At most this much probability moves to out_of_scope for a message far from everything. */
  oodMaxShift: number;
  /** Naive Bayes temperature growth per sqrt(feature): tames its over-confidence on long messages. */
  nbTemperature: number;
}

const DEFAULT_TUNING: ClassifierTuning = { nbWeight: 0.75, knnSharpness: 20, oodSimilarity: 0.3, oodMaxShift: 0.6, nbTemperature: 0.2 };

export interface OfflineClassifier extends Classifier {
  /** Same result as `classify`, without the promise: for the evaluation runner and benchmarks. */
  classifySync(text: string): Classification;
}

/** Longer input is cut: intent is in the first lines, and the work per message must stay bounded. */
const MAX_INPUT_CHARS = 2000;
const MODEL_INPUT_CHARS = 600;

/**
 * The offline classifier: rules for the few things that must be exact (negation, compromise,
 * privileged names, injections, slots) around a statistical core (naive Bayes blended with TF-IDF
 * nearest neighbours) trained on the project's own examples when the factory runs.
 * Deterministic: no randomness, no clock, ties broken by label order.
 */
export function createOfflineClassifier(options: OfflineClassifierOptions = {}): OfflineClassifier {
  const tuning: ClassifierTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const rows = options.trainingRows ?? readLabelledRows(DEFAULT_TRAINING_FILE);
  const prepared = rows.map((r) => ({ raw: r.text, slots: extractSlots(r.text), label: r.label }));
  const featuriser = createFeaturiser(prepared);
  const docs = prepared.map((p) => ({ features: featuriser.featurise(p.raw, p.slots).features, label: p.label }));
  const nb = trainNaiveBayes(docs, { temperaturePerFeature: tuning.nbTemperature });
  const knn = trainTfidfKnn(docs, nb.labels);
  const labels = nb.labels as readonly IntentName[];
  const oosIndex = labels.indexOf('out_of_scope');

  const scoreText = (raw: string, slots: ReturnType<typeof extractSlots>): Scored => {
    const f = featuriser.featurise(raw, slots);
    if (f.features.length === 0) return { distribution: labels.map(() => 0), evidence: [], knownRatio: 0, tokenCount: 0 };
    const nbProbs = nb.predict(f.features);
    const { bestByLabel, best } = knn.query(f.features);
    const exp = bestByLabel.map((s) => Math.exp(tuning.knnSharpness * s));
    const expSum = exp.reduce((a, b) => a + b, 0);
    let distribution = nbProbs.map((p, i) => tuning.nbWeight * p + (1 - tuning.nbWeight) * ((exp[i] ?? 0) / expSum));
    // Far from every example: move probability mass to out_of_scope in proportion to the distance,
    // so an unfamiliar message cannot reach a confident action by a few shared words.
    const ood = tuning.oodMaxShift * Math.max(0, Math.min(1, (tuning.oodSimilarity - best) / tuning.oodSimilarity));
    if (ood > 0 && oosIndex >= 0) distribution = distribution.map((p, i) => (1 - ood) * p + (i === oosIndex ? ood : 0));
    const top = argmax(distribution);
    const evidence = [`nearest:${labels[argmax(bestByLabel)] ?? '?'}@${best.toFixed(2)}`, ...f.corrections.map((c) => `typo:${c}`)];
    const words = nb.explain(f.features, labels[top] ?? '', 5);
    if (words.length > 0) evidence.unshift(`words:${words.join(',')}`);
    return { distribution, evidence, knownRatio: f.knownRatio, tokenCount: f.tokens.length };
  };

  const classifySync = (text: string): Classification => {
    // Disguised Latin ("Ｄomain Аdmins", "Super\u00adAdmins", "ᎠomainAdmins") is folded first, so a
    // slot is never cut short at a look-alike letter and the privileged-name rules see the real name.
    const raw = foldConfusables(text.slice(0, MAX_INPUT_CHARS));
    const normalised = normaliseText(raw);
    const slots = extractSlots(raw);
    const negation = detectNegation(raw, normalised);
    // The model reads the opening only: the ask is there, and a pasted essay must not cost more.
    const whole = scoreText(raw.slice(0, MODEL_INPUT_CHARS), slots);
    // With a negated clause, the model reads only what is left ("…just tell me how to change it").
    const remainder = negation.negated ? scoreText(negation.remainder, extractSlots(negation.remainder)) : whole;
    return applyRules({
      labels,
      raw,
      normalised,
      slots,
      negation,
      compromise: detectCompromise(normalised),
      injection: detectInjection(raw),
      whole,
      remainder,
      classifier: { name: 'offline', version: OFFLINE_CLASSIFIER_VERSION },
    });
  };

  return {
    classifySync,
    classify: (text) => Promise.resolve(classifySync(text)),
  };
}
