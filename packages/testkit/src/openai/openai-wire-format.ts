/**
 * The parts of the OpenAI Chat Completions wire format the fake speaks, as documented in the API
 * reference (platform.openai.com/docs/api-reference/chat/object and …/structured-outputs).
 */
type Json = Record<string, unknown>;

export interface ChatMessage {
  role: string;
  content: string;
}

/** A strict json_schema response format as the SDK's `zodResponseFormat` sends it. */
export interface JsonSchemaFormat {
  type: 'json_schema';
  json_schema: { name: string; strict?: boolean; schema: Json; description?: string };
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  response_format?: JsonSchemaFormat | { type: 'text' | 'json_object' };
}

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The API's error envelope: `{ "error": { message, type, param, code } }`. */
export function errorBody(message: string, type: string, code: string | null, param: string | null = null): Json {
  return { error: { message, type, param, code } };
}

/**
 * Deterministic stand-in for token counting: roughly four characters per token (OpenAI's own rule
 * of thumb for English). Tests compare it with what the client recorded, not with a real tokenizer.
 */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function chatCompletionBody(options: {
  id: string;
  created: number;
  model: string;
  content: string | null;
  refusal: string | null;
  finishReason: 'stop' | 'length' | 'content_filter';
  usage: ChatCompletionUsage;
}): Json {
  return {
    id: options.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: options.content, refusal: options.refusal, annotations: [] },
        logprobs: null,
        finish_reason: options.finishReason,
      },
    ],
    usage: {
      ...options.usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_keyward_fake',
  };
}

/**
 * Strict mode's documented schema rules ("Supported schemas"): the root is an object, every object
 * lists all its properties in `required` and sets `additionalProperties: false`. The real API
 * rejects a request that breaks them with a 400 before any model runs; so does the fake, so a schema
 * our code sends that would fail in production fails in tests too.
 */
export function strictSchemaProblems(schema: unknown, at = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Json;
  const problems: string[] = [];
  if (at === '#' && node.type !== 'object') problems.push(`${at}: the root schema must be an object`);
  if (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) {
    const properties = (node.properties ?? {}) as Json;
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    if (node.additionalProperties !== false) problems.push(`${at}: 'additionalProperties' is required to be supplied and to be false`);
    for (const key of Object.keys(properties)) {
      if (!required.includes(key)) problems.push(`${at}: 'required' is required to include every key in properties; missing '${key}'`);
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value as Json)) problems.push(...strictSchemaProblems(sub, `${at}/properties/${name}`));
    } else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object') {
      problems.push(...strictSchemaProblems(value, `${at}/${key}`));
    } else if ((key === 'anyOf' || key === 'allOf') && Array.isArray(value)) {
      value.forEach((sub, i) => problems.push(...strictSchemaProblems(sub, `${at}/${key}/${i}`)));
    } else if ((key === '$defs' || key === 'definitions') && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value as Json)) problems.push(...strictSchemaProblems(sub, `${at}/${key}/${name}`));
    }
  }
  return problems;
}
