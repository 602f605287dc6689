import { createInterface } from 'node:readline';
import { loadConfig } from '@keyward/config';
import { systemClock } from '@keyward/core';
import { createClassifier } from '@keyward/intent';
import { loadPolicy } from '@keyward/policy';
import { createLogger } from '../runtime/create-logger';

export interface ClassifyIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Logs (fallbacks, model errors) go here so that `output` stays one JSON object per line. */
  errors: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `keyward classify`: one message per stdin line → one JSON line `{"text","intent","confidence","slots"}`.
 * Offline unless OPENAI_API_KEY is set (then the model, with the offline classifier as fallback).
 * Sequential on purpose: a rate-limited model must not be flooded, and output order = input order.
 */
export async function runClassify(_args: string[], io: ClassifyIo = { input: process.stdin, output: process.stdout, errors: process.stderr, env: process.env }): Promise<number> {
  const config = loadConfig(io.env);
  const policy = loadPolicy(config.policyFile);
  const classifier = createClassifier({
    openai: config.openai,
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, io.errors),
    clock: systemClock,
    catalogue: { groups: policy.document.catalogue.groups.map((g) => g.name), apps: policy.document.catalogue.apps.map((a) => a.name) },
  });
  const lines = createInterface({ input: io.input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim().length === 0) continue;
    const c = await classifier.classify(line);
    io.output.write(`${JSON.stringify({ text: line, intent: c.intent, confidence: c.confidence, slots: c.slots })}\n`);
  }
  return 0;
}
