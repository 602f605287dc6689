import OpenAI, { APIError } from 'openai';
import { createOpenAiFake } from './openai-fake';
import type { OpenAiFake } from './openai-fake';
import { strictSchemaProblems } from './openai-wire-format';

/** The fake against the real SDK: what the product's client sees is what the API documents. */
let fake: OpenAiFake;
beforeEach(async () => {
  fake = await createOpenAiFake({ servedModel: 'gpt-4o-mini-2024-07-18' });
});
afterEach(() => fake.close());

const strictFormat = {
  type: 'json_schema' as const,
  json_schema: {
    name: 'answer',
    strict: true,
    schema: { type: 'object', properties: { intent: { type: 'string', enum: ['a', 'b'] } }, required: ['intent'], additionalProperties: false },
  },
};

function client(apiKey = fake.apiKey): OpenAI {
  return new OpenAI({ apiKey, baseURL: fake.url, maxRetries: 0 });
}

describe('OpenAI fake', () => {
  it('answers a strict json_schema request in the chat.completion format, with usage', async () => {
    fake.answer('hello', { kind: 'json', value: { intent: 'a' } });
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], response_format: strictFormat });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: '{"intent":"a"}', refusal: null });
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
  });

  it('rejects a non-strict-compatible schema with 400 before any model runs, like the API', async () => {
    const loose = { ...strictFormat, json_schema: { ...strictFormat.json_schema, schema: { type: 'object', properties: { intent: { type: 'string' } }, required: [] } } };
    const error = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: loose }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect(strictSchemaProblems(loose.json_schema.schema)).toHaveLength(2);
  });

  it('refuses a scripted answer outside the schema (strict mode never returns one) and a wrong key', async () => {
    fake.replyNext({ kind: 'json', value: { intent: 'zzz' } });
    const invalid = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: strictFormat }).catch((e: unknown) => e);
    expect((invalid as APIError).status).toBe(500);
    const unauthorised = await client('sk-wrong').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((unauthorised as APIError).status).toBe(401);
  });

  it('sends 429 with retry-after, and the SDK retries it', async () => {
    fake.replyNext({ kind: 'http', status: 429, retryAfterSeconds: 0 });
    fake.answer('x', { kind: 'refusal', refusal: 'no' });
    const completion = await new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 1 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0]?.message.refusal).toBe('no');
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);
  });
});
