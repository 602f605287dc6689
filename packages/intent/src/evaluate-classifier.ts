import type { Classifier, IntentName } from '@keyward/core';
import type { LabelledRow } from './labelled-rows';

export interface LabelMetrics {
  label: IntentName;
  /** Rows whose true label is this one. */
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvaluationReport {
  rows: number;
  accuracy: number;
  /** Labels present in the data or predicted, in a stable order. */
  perLabel: LabelMetrics[];
  /** confusion[actual][predicted] = count. */
  confusion: Record<string, Record<string, number>>;
  /** The rows it got wrong, for reading, not for training. */
  errors: { text: string; expected: IntentName; predicted: IntentName; confidence: number }[];
  formatReport(): string;
}

const pct = (x: number): string => x.toFixed(2);

/**
 * Per-label precision, recall and F1 plus a confusion matrix. An average alone hides exactly the
 * failure that matters here: a rare identity action with zero recall behind a big "greeting" class.
 */
export async function evaluateClassifier(classifier: Classifier, rows: readonly LabelledRow[]): Promise<EvaluationReport> {
  const confusion: Record<string, Record<string, number>> = {};
  const errors: EvaluationReport['errors'] = [];
  const seen: IntentName[] = [];
  const note = (l: IntentName): void => {
    if (!seen.includes(l)) seen.push(l);
  };
  let correct = 0;
  // Sequential on purpose: a classifier with a rate-limited backend must not be flooded.
  for (const row of rows) {
    const result = await classifier.classify(row.text);
    note(row.label);
    note(result.intent);
    const line = (confusion[row.label] ??= {});
    line[result.intent] = (line[result.intent] ?? 0) + 1;
    if (result.intent === row.label) correct += 1;
    else errors.push({ text: row.text, expected: row.label, predicted: result.intent, confidence: result.confidence });
  }
  const labels = [...seen].sort();
  const count = (actual: string, predicted: string): number => confusion[actual]?.[predicted] ?? 0;
  const perLabel = labels.map((label): LabelMetrics => {
    const tp = count(label, label);
    const support = labels.reduce((a, p) => a + count(label, p), 0);
    const predicted = labels.reduce((a, actual) => a + count(actual, label), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support, precision, recall, f1 };
  });
  const accuracy = rows.length === 0 ? 0 : correct / rows.length;

  const formatReport = (): string => {
    const width = Math.max(...labels.map((l) => l.length), 5);
    const lines = [`rows ${rows.length}  accuracy ${pct(accuracy)}`, '', `${'label'.padEnd(width)}  support  precision  recall    f1`];
    for (const m of perLabel) {
      lines.push(`${m.label.padEnd(width)}  ${String(m.support).padStart(7)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.f1).padStart(4)}`);
    }
    lines.push('', 'confusion (rows: expected, columns: predicted, by label index)');
    lines.push(`${''.padEnd(width)}  ${labels.map((_, i) => String(i).padStart(3)).join('')}`);
    labels.forEach((actual, i) => {
      lines.push(`${`${i} ${actual}`.padEnd(width + 3).slice(0, width + 2)}${labels.map((p) => String(count(actual, p) || '.').padStart(3)).join('')}`);
    });
    return lines.join('\n');
  };

  return { rows: rows.length, accuracy, perLabel, confusion, errors, formatReport };
}
