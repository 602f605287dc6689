import path from 'node:path';
import { createOfflineClassifier, evaluateClassifier, readLabelledRows } from '@keyward/intent';

/** `keyward eval`: per-label precision / recall / F1 and the confusion matrix, on each evaluation set. */
export async function runEval(args: string[]): Promise<number> {
  const root = path.resolve(__dirname, '../../../..');
  const sets = args.length > 0 ? args : [path.resolve(root, '../shared/eval/public-utterances.jsonl'), path.resolve(root, 'packages/intent/data/heldout.jsonl')];
  const classifier = createOfflineClassifier();
  for (const file of sets) {
    const rows = readLabelledRows(file);
    const report = await evaluateClassifier(classifier, rows);
    process.stdout.write(`\n== ${path.relative(process.cwd(), file)} (${rows.length} rows, offline classifier) ==\n${report.formatReport()}\n`);
  }
  return 0;
}
