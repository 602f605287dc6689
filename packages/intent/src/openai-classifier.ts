import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ZodError } from 'zod';
import { isActionKind } from '@keyward/core';
import type { Classification, Classifier, Clock, Logger } from '@keyward/core';
import { createCircuitBreaker } from './openai/circuit-breaker';
import type { CircuitBreaker, CircuitState } from './openai/circuit-breaker';
import { groundModelAnswer } from './openai/ground-model-answer';
import { buildSystemPrompt, modelAnswerSchema, RESPONSE_FORMAT_NAME } from './openai/model-answer.schema';
import type { Catalogue, ModelAnswer } from './openai/model-answer.schema';

/** Bumped when the prompt, schema or validation changes: recorded on every audit event. */
export const OPENAI_CLASSIFIER_VERSION = '1.0.0';

export interface OpenAiClassifierOptions {
  apiKey: string;
  /** An OpenAI-compatible server (Azure OpenAI proxy, vLLM, Ollama, the testkit fake). */
  baseURL?: string;
  model: string;
  /** The longest one message waits for the model, retries included, before the fallback answers. */
  timeoutMs: number;
  /** Answers whenever the model cannot: the offline classifier. */
  fallback: Classifier;
  logger: Logger;
  clock: Clock;
  /** Names of requestable groups and apps; the only directory data the prompt may hold. */
  catalogue?: Catalogue;
  /** Retries inside the time budget (429/5xx/connection), only when the wait fits the budget. Default 1. */
  maxRetries?: number;
  /** Default: open after 3 consecutive failures, for 30 s. */
  breaker?: { failureThreshold: number; coolDownMs: number };
  /** Below this model confidence a confident fallback answer (at or above it) wins. Default 0.6, the policy's clarification line. */
  confidentAt?: number;
}

export interface OpenAiClassifier extends Classifier {
  /** For health output and tests. */
  circuitState(): CircuitState;
}

/** Same cut as the offline classifier: the ask is in the opening, and a pasted essay must not cost more. */
const MAX_INPUT_CHARS = 2000;
/** Injected text may still name an action, but never confidently enough to skip the clarifying question. */
const INJECTION_ACTION_CAP = 0.5;

type Attempt =
  | { kind: 'answer'; answer: ModelAnswer; model: string; usage?: Classification['usage'] }
  | { kind: 'refusal'; refusal: string; model: string; usage?: Classification['usage'] }
  | { kind: 'failure'; reason: string };

/**
 * The language-model classifier (issue #5). It proposes an intent and slots, like any classifier;
 * it gains no authority: every slot must appear in the user's text, the offline reading's safety
 * signals (third-party target, negation, compromise, injection) are kept, and any error, timeout,
 * refusal or invalid answer falls back to the offline classifier.
 */
export function createOpenAiClassifier(options: OpenAiClassifierOptions): OpenAiClassifier {
  const maxRetries = options.maxRetries ?? 1;
  const confidentAt = options.confidentAt ?? 0.6;
  const log = options.logger.child({ classifier: 'openai', model: options.model });
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 0 });
  // A retry is only worth it when it can still finish inside the budget.
  const maxRetryWaitMs = Math.floor(options.timeoutMs / 3);
  const breaker: CircuitBreaker = createCircuitBreaker({ ...(options.breaker ?? { failureThreshold: 3, coolDownMs: 30_000 }), clock: options.clock });
  const responseFormat = zodResponseFormat(modelAnswerSchema, RESPONSE_FORMAT_NAME);
  const systemPrompt = buildSystemPrompt(options.catalogue);

  const request = (text: string, signal: AbortSignal) =>
    client.chat.completions.parse(
      {
        model: options.model,
        // Deterministic settings: the same message should get the same reading in the audit trail.
        temperature: 0,
        messages: [
          { role: 'system', content: systemPrompt },
          { role: 'user', content: text },
        ],
        response_format: responseFormat,
      },
      { signal },
    );

  const ask = async (text: string): Promise<Attempt> => {
    // One budget for the whole message, retries included. The SDK's own retries are off: it would
    // honour a 429's `retry-after` however long (openai-node client.js retryRequest) and give each
    // retry a fresh timeout, so a chat message could wait minutes.
    const controller = new AbortController();
    const budget = setTimeout(() => controller.abort(), options.timeoutMs);
    budget.unref();
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const completion = await request(text, controller.signal);
          const usage = completion.usage
            ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens, totalTokens: completion.usage.total_tokens }
            : undefined;
          const model = completion.model || options.model;
          const message = completion.choices[0]?.message;
          if (message?.refusal) return { kind: 'refusal', refusal: message.refusal, model, usage };
          if (!message?.parsed) return { kind: 'failure', reason: 'invalid output: no parsed content' };
          return { kind: 'answer', answer: message.parsed, model, usage };
        } catch (error) {
          if (controller.signal.aborted) return { kind: 'failure', reason: 'timeout' };
          const wait = retryWaitMs(error, attempt);
          if (attempt >= maxRetries || wait === undefined || wait > maxRetryWaitMs) return { kind: 'failure', reason: describeFailure(error) };
          await abortableSleep(wait, controller.signal);
          if (controller.signal.aborted) return { kind: 'failure', reason: 'timeout' };
        }
      }
    } finally {
      clearTimeout(budget);
    }
  };

  const fallBack = (offline: Classification, reason: string, extra: Pick<Classification, 'latencyMs' | 'usage'> = {}): Classification => ({
    ...offline,
    ...extra,
    evidence: [`fallback:${reason}`, ...offline.evidence],
    fallbackReason: reason,
  });

  return {
    circuitState: () => breaker.state(),
    async classify(input) {
      const text = input.slice(0, MAX_INPUT_CHARS);
      if (text.trim().length === 0) return fallBack(await options.fallback.classify(text), 'empty message');
      if (!breaker.tryAcquire()) return fallBack(await options.fallback.classify(text), 'circuit open');

      const started = options.clock.now().getTime();
      const [attempt, offline] = await Promise.all([ask(text), options.fallback.classify(text)]);
      const latencyMs = Math.max(0, options.clock.now().getTime() - started);

      if (attempt.kind === 'failure') {
        breaker.onFailure();
        log.warn({ reason: attempt.reason, latencyMs, circuit: breaker.state() }, 'language model failed; offline classifier answers');
        return fallBack(offline, attempt.reason, { latencyMs });
      }
      // The model answered: the service is up, whatever we make of the answer.
      breaker.onSuccess();
      const common = { latencyMs, usage: attempt.usage };
      if (attempt.kind === 'refusal') {
        log.info({ latencyMs }, 'language model refused; offline classifier answers');
        return fallBack(offline, 'refusal', common);
      }

      const answer = attempt.answer;
      const grounded = groundModelAnswer(text, answer, options.catalogue);
      if (!grounded.ok) {
        log.warn({ reason: grounded.reason, intent: answer.intent }, 'language model answer rejected; offline classifier answers');
        return fallBack(offline, `rejected: ${grounded.reason}`, common);
      }
      if (answer.confidence < confidentAt && offline.confidence >= confidentAt && offline.intent !== answer.intent) {
        return fallBack(offline, `model unsure (${answer.confidence.toFixed(2)})`, common);
      }
      // The rules' reading of negation wins over the model's: acting on "I don't need a reset" is
      // the costly mistake (F20), answering it with guidance is not.
      if (offline.negated && isActionKind(answer.intent) && answer.negated_action === null) {
        return fallBack(offline, 'offline rules found a negation the model missed', common);
      }

      const negated = answer.negated_action !== null;
      const slots: Record<string, string> = { ...grounded.slots };
      if (negated && answer.negated_action) slots.topic = answer.negated_action;
      // A person named by the offline rules stays named: the core refuses self-service that names
      // someone else, and the model overlooking "Bob's" must not turn that into "me".
      if (slots.target === undefined && offline.slots.target !== undefined) slots.target = offline.slots.target;

      const evidence = [`model:${attempt.model}`, ...grounded.evidence];
      if (grounded.dropped.length > 0) evidence.push(`dropped-ungrounded:${grounded.dropped.join(',')}`);
      let confidence = answer.confidence;
      const injection = offline.evidence.find((e) => e.startsWith('rule:injection'));
      if (injection && isActionKind(answer.intent) && confidence > INJECTION_ACTION_CAP) {
        // The message reads like a jailbreak: an action it names is asked about, never taken on trust.
        confidence = INJECTION_ACTION_CAP;
        evidence.push(injection);
      }
      const compromiseSuspected = answer.compromise_suspected || offline.compromiseSuspected;
      if (offline.compromiseSuspected && !answer.compromise_suspected) evidence.push('offline:compromise');

      return {
        intent: answer.intent,
        confidence: Math.round(confidence * 1000) / 1000,
        alternatives: answer.alternatives.filter((a) => a.intent !== answer.intent).slice(0, 3),
        slots,
        evidence,
        compromiseSuspected,
        negated,
        classifier: { name: 'openai', version: OPENAI_CLASSIFIER_VERSION, model: attempt.model },
        latencyMs,
        usage: attempt.usage,
      };
    },
  };
}

/**
 * How long to wait before retrying, or undefined when the error is not worth a retry. Retryable as
 * the SDK documents it (connection errors, 408, 409, 429, >= 500), honouring `retry-after-ms` /
 * `retry-after` (seconds) when the server sends them.
 */
function retryWaitMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof APIError)) return undefined;
  const status = error.status;
  if (status !== undefined && status !== 408 && status !== 409 && status !== 429 && status < 500) return undefined;
  const headers = error.headers;
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(headers?.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return 100 * 2 ** attempt;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A short, secret-free reason for the log and the audit event. */
function describeFailure(error: unknown): string {
  if (error instanceof APIConnectionTimeoutError) return 'timeout';
  if (error instanceof APIUserAbortError) return 'timeout';
  if (error instanceof LengthFinishReasonError) return 'invalid output: truncated';
  if (error instanceof ContentFilterFinishReasonError) return 'content filter';
  if (error instanceof APIError) return error.status ? `http ${error.status}` : `connection error`;
  if (error instanceof SyntaxError) return 'invalid output: not JSON';
  if (error instanceof ZodError) return 'invalid output: schema mismatch';
  return `error: ${error instanceof Error ? error.name : typeof error}`;
}
