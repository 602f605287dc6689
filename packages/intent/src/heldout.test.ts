import path from 'node:path';
import { ALL_INTENTS, isActionKind } from '@keyward/core';
import { createOfflineClassifier } from './offline-classifier';
import { evaluateClassifier } from './evaluate-classifier';
import { readLabelledRows } from './labelled-rows';

/**
 * The project's held-out set: written separately from the training file, never read by the
 * classifier code. Most identity actions have no public examples, so this is their only honest measure.
 */
const HELDOUT_FILE = path.resolve(__dirname, '../data/heldout.jsonl');

describe('offline classifier on the held-out set', () => {
  const rows = readLabelledRows(HELDOUT_FILE);

  it('covers every intent, with at least 10 rows per identity action', () => {
    for (const intent of ALL_INTENTS) {
      const n = rows.filter((r) => r.label === intent).length;
      expect({ intent, present: n > 0, enough: !isActionKind(intent) || n >= 10 }).toEqual({ intent, present: true, enough: true });
    }
  });

  it('shares no text with the training file', () => {
    const normalise = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
    const training = new Set(readLabelledRows(path.resolve(__dirname, '../data/train.jsonl')).map((r) => normalise(r.text)));
    expect(rows.filter((r) => training.has(normalise(r.text))).map((r) => r.text)).toEqual([]);
  });

  it('recalls every identity action at 0.9 or better', async () => {
    const report = await evaluateClassifier(createOfflineClassifier(), rows);
    console.log(`heldout.jsonl\n${report.formatReport()}`);
    const actions = report.perLabel.filter((m) => isActionKind(m.label));
    expect(actions.length).toBe(9);
    expect(actions.filter((m) => m.recall < 0.9).map((m) => `${m.label}: ${m.recall.toFixed(2)}`)).toEqual([]);
  });

  it('means what it says: answers at or above the 0.6 clarification line are right at least 90% of the time', () => {
    const classifier = createOfflineClassifier();
    const confident = rows.map((r) => ({ r, c: classifier.classifySync(r.text) })).filter(({ c }) => c.confidence >= 0.6);
    const right = confident.filter(({ r, c }) => r.label === c.intent).length;
    expect(confident.length).toBeGreaterThan(rows.length / 2);
    expect(right / confident.length).toBeGreaterThanOrEqual(0.9);
  });
});
