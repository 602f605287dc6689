import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_INTENTS } from '@keyward/core';
import type { IntentName } from '@keyward/core';

export interface LabelledRow {
  text: string;
  label: IntentName;
}

/** The project's own training examples. The held-out file beside it is deliberately not exported. */
export const DEFAULT_TRAINING_FILE = path.resolve(__dirname, '../data/train.jsonl');

export function isIntentName(value: unknown): value is IntentName {
  return typeof value === 'string' && (ALL_INTENTS as readonly string[]).includes(value);
}

/**
 * Reads `{text, label}` JSON lines. A bad row stops loading with its line number: a silently
 * skipped row would quietly change what the model learns and what the evaluation measures.
 */
export function readLabelledRows(file: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim().length === 0) return;
      const parsed: unknown = JSON.parse(line);
      const row = parsed as { text?: unknown; label?: unknown };
      if (typeof row.text !== 'string' || !isIntentName(row.label)) {
        throw new Error(`${file}:${i + 1}: expected {"text": string, "label": one of the core intents}`);
      }
      rows.push({ text: row.text, label: row.label });
    });
  return rows;
}
