import { existsSync } from 'node:fs';
import { checkThresholds, PUBLIC_FILE, runEvaluation } from './eval';
import type { EvalSection } from './eval';

/**
 * `npm run eval` inside `npm test`: the issue #5 thresholds are enforced on every CI run, with the
 * same code the command runs (offline classifier, and the OpenAI path against the local fake).
 */
describe('classifier evaluation (issue #5 thresholds)', () => {
  it('finds the shared public evaluation file', () => {
    expect(existsSync(PUBLIC_FILE)).toBe(true);
  });

  it('meets every threshold', async () => {
    const run = await runEvaluation();
    console.log(run.text);
    expect(run.checks.length).toBeGreaterThanOrEqual(15);
    // Every fault kind was injected, and each one was absorbed by the fallback, not by luck.
    expect(Object.keys(run.fakeFaults).sort()).toEqual(['http-429', 'http-500', 'invalid-json', 'invented-group', 'refusal', 'slow']);
    expect(run.fakeFallbacks).toBeGreaterThan(0);
    expect(run.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.value.toFixed(3)} < ${c.min}`)).toEqual([]);
  }, 120_000);

  it('fails a threshold when a label is missed (the gate can fail)', () => {
    const report = (label: 'out_of_scope' | 'password_reset', hit: number, n: number): EvalSection['report'] => ({
      rows: n,
      accuracy: hit / n,
      perLabel: [{ label, support: n, precision: 1, recall: hit / n, f1: hit / n }],
      confusion: { [label]: { [label]: hit, unknown: n - hit } },
      errors: [],
      formatReport: () => '',
    });
    const checks = checkThresholds([
      { classifier: 'offline', set: 'public', report: report('out_of_scope', 5, 10) },
      { classifier: 'offline', set: 'heldout', report: report('password_reset', 8, 10) },
    ]);
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(
      expect.arrayContaining(['offline held-out recall password_reset', 'offline recall out_of_scope, public + held-out pooled']),
    );
  });
});
