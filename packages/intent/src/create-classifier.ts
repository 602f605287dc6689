import type { Classifier, Clock, Logger } from '@keyward/core';
import { createOfflineClassifier } from './offline-classifier';
import { createOpenAiClassifier } from './openai-classifier';
import type { Catalogue } from './openai/model-answer.schema';

export interface ClassifierChoice {
  /** Set when a language model is configured (OPENAI_API_KEY); absent = offline only. */
  openai?: { apiKey: string; baseUrl?: string; model: string; timeoutMs: number };
  logger: Logger;
  clock: Clock;
  /** Requestable group and app names (the policy catalogue): the only directory data sent to a model. */
  catalogue?: Catalogue;
}

/**
 * The classifier the product runs: the offline one alone, or the language model with the offline
 * one as its fallback. One place, so the service, `keyward classify` and `keyward eval` agree.
 */
export function createClassifier(choice: ClassifierChoice): Classifier {
  const offline = createOfflineClassifier();
  if (!choice.openai) return offline;
  return createOpenAiClassifier({
    apiKey: choice.openai.apiKey,
    baseURL: choice.openai.baseUrl,
    model: choice.openai.model,
    timeoutMs: choice.openai.timeoutMs,
    fallback: offline,
    logger: choice.logger,
    clock: choice.clock,
    catalogue: choice.catalogue,
  });
}
