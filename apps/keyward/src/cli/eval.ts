import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@keyward/config';
import type { OpenAiConfig } from '@keyward/config';
import { isActionKind, silentLogger, systemClock } from '@keyward/core';
import type { Classifier, IntentName } from '@keyward/core';
import { createOfflineClassifier, createOpenAiClassifier, evaluateClassifier, readLabelledRows } from '@keyward/intent';
import type { EvaluationReport, LabelledRow, ModelAnswer, OfflineClassifier } from '@keyward/intent';
import { createOpenAiFake } from '@keyward/testkit';
import type { OpenAiFakeModel, OpenAiFakeReply } from '@keyward/testkit';

const ROOT = path.resolve(__dirname, '../../../..');
export const PUBLIC_FILE = path.resolve(ROOT, '../shared/eval/public-utterances.jsonl');
export const HELDOUT_FILE = path.resolve(ROOT, 'packages/intent/data/heldout.jsonl');

/** Issue #5 targets. */
export const THRESHOLDS = {
  /** Offline macro-F1 over labels with at least `gatedSupport` public rows. */
  offlinePublicMacroF1: 0.95,
  gatedSupport: 15,
  /** Offline recall of every identity action on the project's held-out set. */
  offlineHeldoutActionRecall: 0.9,
  /** Offline recall of out_of_scope and unknown, on public + held-out pooled (see `checkThresholds`). */
  offlineOosUnknownRecall: 0.9,
  /** The model path: accuracy on each set, and macro-F1 over the gated public labels. */
  model: 0.97,
} as const;

export interface EvalSection {
  classifier: 'offline' | 'openai-fake' | 'openai-real';
  set: 'public' | 'heldout';
  report: EvaluationReport;
}

export interface ThresholdCheck {
  name: string;
  value: number;
  min: number;
  ok: boolean;
}

export interface EvaluationRun {
  sections: EvalSection[];
  checks: ThresholdCheck[];
  /** Faults the fake injected, by kind, and how many answers came from the fallback. */
  fakeFaults: Record<string, number>;
  fakeFallbacks: number;
  /** The full printable report. */
  text: string;
}

export interface EvaluationOptions {
  /** Default PUBLIC_FILE; null = no public set (a clone without ../shared): the held-out set alone. */
  publicFile?: string | null;
  heldoutFile?: string;
  /** Also measure a real model (reported and enforced). Unset in CI: no key there. */
  realModel?: OpenAiConfig;
}

/** The fake "model" gets one fault every FAULT_EVERY requests, cycling through these kinds. */
const FAULT_EVERY = 10;
const FAULTS = ['invalid-json', 'invented-group', 'refusal', 'http-500', 'slow', 'http-429'] as const;
const FAKE_TIMEOUT_MS = 300;

/**
 * A deterministic stand-in for a language model, for CI. It answers from the answer key (the
 * evaluation labels) with slots the offline rules read from the text, and every tenth request it
 * misbehaves instead (invalid JSON, an invented privileged group, a refusal, 500, a timeout, 429).
 * So the model-path score measures OUR pipeline — wire format, strict schema, validation, fallback —
 * not a model's understanding: that number comes only from a real model (OPENAI_API_KEY).
 */
function answerKeyModel(key: ReadonlyMap<string, IntentName>, offline: OfflineClassifier, faults: Record<string, number>): OpenAiFakeModel {
  let n = 0;
  return ({ userText }) => {
    n += 1;
    const reading = offline.classifySync(userText);
    const intent = key.get(userText) ?? reading.intent;
    const s = reading.slots;
    const answer: ModelAnswer = {
      intent,
      confidence: 0.9,
      alternatives: [],
      slots: { group: s.group ?? null, app: s.app ?? null, target: s.target ?? null, location: s.location ?? null, duration: null, reason: null },
      negated_action: reading.negated && s.topic !== undefined && isActionKind(s.topic as IntentName) ? (s.topic as ModelAnswer['negated_action']) : null,
      compromise_suspected: reading.compromiseSuspected,
      evidence: [],
    };
    if (n % FAULT_EVERY !== 0) return { kind: 'json', value: answer };
    const fault = FAULTS[(n / FAULT_EVERY - 1) % FAULTS.length] ?? 'refusal';
    faults[fault] = (faults[fault] ?? 0) + 1;
    const replies: Record<(typeof FAULTS)[number], OpenAiFakeReply> = {
      'invalid-json': { kind: 'content', content: '{"intent": "password_reset", "confidence": ' },
      'invented-group': { kind: 'json', value: { ...answer, slots: { ...answer.slots, group: 'Zeta Invented Admins' } } },
      refusal: { kind: 'refusal', refusal: "I'm sorry, but I can't help with that." },
      'http-500': { kind: 'http', status: 500 },
      slow: { kind: 'slow', delayMs: FAKE_TIMEOUT_MS * 4, then: { kind: 'json', value: answer } },
      'http-429': { kind: 'http', status: 429, retryAfterSeconds: 0 },
    };
    return replies[fault];
  };
}

const macroF1 = (report: EvaluationReport, labels: readonly string[]): number => {
  const f1s = labels.map((l) => report.perLabel.find((m) => m.label === l)?.f1 ?? 0);
  return f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length;
};
const recallOf = (reports: EvaluationReport[], label: string): number => {
  let tp = 0;
  let support = 0;
  for (const r of reports) {
    tp += r.confusion[label]?.[label] ?? 0;
    support += r.perLabel.find((m) => m.label === label)?.support ?? 0;
  }
  return support === 0 ? 0 : tp / support;
};

/** Runs every classifier on both sets (or the held-out one alone) and checks the issue's thresholds. Prints nothing. */
export async function runEvaluation(options: EvaluationOptions = {}): Promise<EvaluationRun> {
  const publicFile = options.publicFile === undefined ? PUBLIC_FILE : options.publicFile;
  const publicRows = publicFile === null ? [] : readLabelledRows(publicFile);
  const heldoutRows = readLabelledRows(options.heldoutFile ?? HELDOUT_FILE);
  const sets: [EvalSection['set'], LabelledRow[]][] = [['heldout', heldoutRows]];
  if (publicFile !== null) sets.unshift(['public', publicRows]);
  const offline = createOfflineClassifier();
  const sections: EvalSection[] = [];
  const out: string[] = [];
  const measure = async (name: EvalSection['classifier'], classifier: Classifier, title: string): Promise<void> => {
    for (const [set, rows] of sets) {
      const report = await evaluateClassifier(classifier, rows);
      sections.push({ classifier: name, set, report });
      out.push(`\n== ${title} · ${set === 'public' ? 'public-utterances.jsonl' : 'held-out (packages/intent/data/heldout.jsonl)'} ==\n${report.formatReport()}`);
    }
  };

  await measure('offline', offline, 'offline classifier');

  const key = new Map<string, IntentName>([...publicRows, ...heldoutRows].map((r) => [r.text, r.label]));
  const fakeFaults: Record<string, number> = {};
  const fake = await createOpenAiFake({ servedModel: 'fake-answer-key-model' });
  fake.setModel(answerKeyModel(key, offline, fakeFaults));
  let fakeFallbacks = 0;
  try {
    const viaFake = createOpenAiClassifier({ apiKey: fake.apiKey, baseURL: fake.url, model: 'gpt-4o-mini', timeoutMs: FAKE_TIMEOUT_MS, fallback: offline, logger: silentLogger, clock: systemClock });
    const counting: Classifier = {
      classify: async (text) => {
        const c = await viaFake.classify(text);
        if (c.fallbackReason !== undefined) fakeFallbacks += 1;
        return c;
      },
    };
    await measure('openai-fake', counting, 'OpenAI path against the LOCAL FAKE (answer-key model, 1 fault in 10; measures the pipeline, not a model)');
  } finally {
    await fake.close();
  }
  if (options.realModel) {
    const real = createOpenAiClassifier({ ...options.realModel, baseURL: options.realModel.baseUrl, fallback: offline, logger: silentLogger, clock: systemClock });
    await measure('openai-real', real, `OpenAI path against the REAL model ${options.realModel.model}`);
  }

  const checks = checkThresholds(sections);
  out.push(`\nfake faults injected: ${Object.entries(fakeFaults).map(([k, v]) => `${k} ${v}`).join(', ')}; answers from the fallback: ${fakeFallbacks}`);
  out.push('\n== thresholds (issue #5) ==');
  for (const c of checks) out.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value.toFixed(3)} (min ${c.min})`);
  return { sections, checks, fakeFaults, fakeFallbacks, text: out.join('\n') };
}

/**
 * The thresholds. out_of_scope and unknown recall are enforced on public + held-out pooled: the
 * public file has only 14 and 2 such rows (one miss of 2 is 0.5), the held-out set 20 each; each
 * set's own recall is printed in its table. Reported alone they would be noise, not a measure.
 */
export function checkThresholds(sections: readonly EvalSection[]): ThresholdCheck[] {
  const find = (classifier: EvalSection['classifier'], set: EvalSection['set']): EvaluationReport | undefined =>
    sections.find((s) => s.classifier === classifier && s.set === set)?.report;
  const checks: ThresholdCheck[] = [];
  const add = (name: string, value: number, min: number): void => void checks.push({ name, value, min, ok: value >= min });
  const offlinePublic = find('offline', 'public');
  const offlineHeldout = find('offline', 'heldout');
  const gated = (offlinePublic?.perLabel ?? []).filter((m) => m.support >= THRESHOLDS.gatedSupport).map((m) => m.label);
  if (offlinePublic) add(`offline macro-F1, public labels with >= ${THRESHOLDS.gatedSupport} rows (${gated.join(', ')})`, macroF1(offlinePublic, gated), THRESHOLDS.offlinePublicMacroF1);
  if (offlineHeldout) {
    for (const m of offlineHeldout.perLabel.filter((l) => isActionKind(l.label))) add(`offline held-out recall ${m.label}`, m.recall, THRESHOLDS.offlineHeldoutActionRecall);
  }
  const pooled = [offlinePublic, offlineHeldout].filter((r): r is EvaluationReport => r !== undefined);
  for (const label of ['out_of_scope', 'unknown']) add(`offline recall ${label}, public + held-out pooled`, recallOf(pooled, label), THRESHOLDS.offlineOosUnknownRecall);
  for (const classifier of ['openai-fake', 'openai-real'] as const) {
    const label = classifier === 'openai-fake' ? 'model path via FAKE' : 'model path via REAL model';
    for (const set of ['public', 'heldout'] as const) {
      const report = find(classifier, set);
      if (report) add(`${label} accuracy, ${set}`, report.accuracy, THRESHOLDS.model);
    }
    const pub = find(classifier, 'public');
    if (pub) add(`${label} macro-F1, gated public labels`, macroF1(pub, gated), THRESHOLDS.model);
  }
  return checks;
}

/** Where `keyward eval` writes, what it reads, and where it looks for the public set (tests swap them). */
export interface EvalIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  publicFile: string;
}

/**
 * `keyward eval [public.jsonl] [heldout.jsonl]`: prints every table and the thresholds; exit 1 when one
 * is missed. Without a public file argument and without ../shared/eval (a plain clone), the project's
 * own held-out set is measured alone, and one line says so — unless KEYWARD_REQUIRE_SHARED_EVAL=1
 * (CI), where missing data is an error.
 */
export async function runEval(args: string[], io: EvalIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, publicFile: PUBLIC_FILE }): Promise<number> {
  const [publicArg, heldoutFile] = args;
  const file = publicArg ?? io.publicFile;
  let publicFile: string | null = file;
  if (!existsSync(file)) {
    if (publicArg !== undefined || io.env.KEYWARD_REQUIRE_SHARED_EVAL === '1') {
      const why = publicArg !== undefined ? '' : '; KEYWARD_REQUIRE_SHARED_EVAL=1 requires it';
      io.stderr.write(`keyward eval: ${file} not found (the shared evaluation data sits beside the project folder${why}).\n`);
      return 2;
    }
    io.stdout.write(`Public evaluation set not found (expected at ${file}, in shared/eval beside the project folder): measuring the held-out set only.\n`);
    publicFile = null;
  }
  const config = loadConfig(io.env);
  const run = await runEvaluation({ publicFile, heldoutFile, realModel: config.openai });
  io.stdout.write(`${run.text}\n`);
  const failed = run.checks.filter((c) => !c.ok);
  io.stdout.write(failed.length === 0 ? '\nall thresholds met\n' : `\n${failed.length} threshold(s) missed\n`);
  return failed.length === 0 ? 0 : 1;
}
