import type { Classification, Classifier, IntentName } from '@keyward/core';
import { evaluateClassifier } from './evaluate-classifier';

/** A classifier that answers from a table, so the metrics can be checked by hand. */
function tableClassifier(answers: Record<string, IntentName>): Classifier {
  return {
    classify: (text) =>
      Promise.resolve<Classification>({
        intent: answers[text] ?? 'unknown',
        confidence: 1,
        alternatives: [],
        slots: {},
        evidence: [],
        compromiseSuspected: false,
        negated: false,
        classifier: { name: 'table', version: '0' },
      }),
  };
}

describe('evaluateClassifier', () => {
  const rows = [
    { text: 'a', label: 'password_reset' as const },
    { text: 'b', label: 'password_reset' as const },
    { text: 'c', label: 'password_reset' as const },
    { text: 'd', label: 'greeting' as const },
    { text: 'e', label: 'greeting' as const },
  ];
  const classifier = tableClassifier({ a: 'password_reset', b: 'password_reset', c: 'greeting', d: 'greeting', e: 'help' });

  it('computes per-label precision, recall and F1', async () => {
    const report = await evaluateClassifier(classifier, rows);
    const byLabel = Object.fromEntries(report.perLabel.map((m) => [m.label, m]));
    expect(byLabel.password_reset).toMatchObject({ support: 3, precision: 1, recall: 2 / 3 });
    expect(byLabel.password_reset?.f1).toBeCloseTo(0.8);
    expect(byLabel.greeting).toMatchObject({ support: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    // A label only ever predicted still shows up, with zero support and zero precision.
    expect(byLabel.help).toMatchObject({ support: 0, precision: 0, recall: 0, f1: 0 });
    expect(report.accuracy).toBeCloseTo(3 / 5);
  });

  it('builds the confusion matrix as expected -> predicted counts and lists the errors', async () => {
    const report = await evaluateClassifier(classifier, rows);
    expect(report.confusion).toEqual({ password_reset: { password_reset: 2, greeting: 1 }, greeting: { greeting: 1, help: 1 } });
    expect(report.errors.map((e) => [e.text, e.expected, e.predicted])).toEqual([
      ['c', 'password_reset', 'greeting'],
      ['e', 'greeting', 'help'],
    ]);
  });

  it('formats a report with one line per label', async () => {
    const text = (await evaluateClassifier(classifier, rows)).formatReport();
    expect(text).toContain('rows 5  accuracy 0.60');
    expect(text).toMatch(/password_reset\s+3\s+1\.00\s+0\.67\s+0\.80/);
    expect(text).toMatch(/greeting\s+2\s+0\.50\s+0\.50\s+0\.50/);
  });

  it('handles an empty set without dividing by zero', async () => {
    const report = await evaluateClassifier(classifier, []);
    expect(report).toMatchObject({ rows: 0, accuracy: 0, perLabel: [] });
    expect(report.formatReport()).toContain('rows 0');
  });
});
