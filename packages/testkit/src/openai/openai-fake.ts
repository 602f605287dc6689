import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { ChatCompletionRequest, JsonSchemaFormat } from './openai-wire-format';
import { chatCompletionBody, countTokens, errorBody, strictSchemaProblems } from './openai-wire-format';

type Json = Record<string, unknown>;

/** What the fake "model" answers to one request. */
export type OpenAiFakeReply =
  /** A JSON answer, sent as the message content; checked against the request's strict schema unless `unchecked`. */
  | { kind: 'json'; value: unknown; unchecked?: boolean }
  /** Raw message content, e.g. invalid JSON. */
  | { kind: 'content'; content: string }
  /** The model refuses: `message.refusal` set, content null (structured-outputs refusal). */
  | { kind: 'refusal'; refusal: string }
  /** `finish_reason: "length"`: the answer was cut at the token limit. */
  | { kind: 'truncated' }
  /** An HTTP error in the API's envelope; 429 carries `retry-after` (seconds) when given. */
  | { kind: 'http'; status: number; message?: string; retryAfterSeconds?: number }
  /** Waits before replying (a slow or hung model); the socket closing cancels the wait. */
  | { kind: 'slow'; delayMs: number; then: OpenAiFakeReply };

export interface OpenAiFakeRequestView {
  model: string;
  /** The last user message: what the person typed. */
  userText: string;
  systemText: string;
  body: ChatCompletionRequest;
}

/** A deterministic model: given the request, decide the reply. */
export type OpenAiFakeModel = (request: OpenAiFakeRequestView) => OpenAiFakeReply | Promise<OpenAiFakeReply>;

export interface RecordedOpenAiCall {
  method: string;
  path: string;
  status: number;
  body?: ChatCompletionRequest;
  authorization?: string;
  /** The reply kind that produced the response (after auth and validation). */
  reply?: OpenAiFakeReply['kind'];
}

export interface OpenAiFakeOptions {
  apiKey?: string;
  /** Answers every request nobody scripted. Default: a 500 saying nothing was scripted. */
  model?: OpenAiFakeModel;
  /** The `model` field of responses (the API returns a dated snapshot name). Default: the request's model. */
  servedModel?: string;
}

export interface OpenAiFake {
  /** Base URL for the SDK (`baseURL`), ends with `/v1`. */
  readonly url: string;
  readonly apiKey: string;
  readonly calls: readonly RecordedOpenAiCall[];
  /** Every completion request that passed auth, in order. */
  completionRequests(): OpenAiFakeRequestView[];
  /** The next `times` requests (whatever the message) get `reply`, before any script or model. */
  replyNext(reply: OpenAiFakeReply, times?: number): void;
  /** Requests whose user message is exactly `text` get `reply` (until `replyNext` queue is empty). */
  answer(text: string, reply: OpenAiFakeReply): void;
  setModel(model: OpenAiFakeModel | undefined): void;
  close(): Promise<void>;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A local OpenAI-compatible server for `/v1/chat/completions` (and `/v1/models`), speaking the
 * documented wire format: bearer auth, strict `json_schema` structured outputs (the request's
 * schema is checked for strict-mode rules and every JSON answer is validated against it, as the
 * real API guarantees), refusals, usage, 429 with `retry-after`, 5xx, truncation and slow replies.
 * The real `openai` SDK is the client in every test that uses it.
 */
export async function createOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  const apiKey = options.apiKey ?? 'sk-keyward-fake';
  let model = options.model;
  const queue: { reply: OpenAiFakeReply; times: number }[] = [];
  const scripted = new Map<string, OpenAiFakeReply>();
  const calls: RecordedOpenAiCall[] = [];
  const requests: OpenAiFakeRequestView[] = [];
  const ajv = new Ajv({ strict: false, allErrors: false });
  const validators = new Map<string, ValidateFunction>();
  let counter = 0;

  const send = (res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void => {
    counter += 1;
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${counter}`, 'openai-processing-ms': '1', ...headers });
    res.end(JSON.stringify(body));
  };

  const nextReply = async (view: OpenAiFakeRequestView): Promise<OpenAiFakeReply> => {
    const head = queue[0];
    if (head) {
      head.times -= 1;
      if (head.times <= 0) queue.shift();
      return head.reply;
    }
    const script = scripted.get(view.userText);
    if (script) return script;
    if (model) return model(view);
    return { kind: 'http', status: 500, message: `openai fake: no answer scripted for ${JSON.stringify(view.userText.slice(0, 80))}` };
  };

  const respond = async (req: IncomingMessage, res: ServerResponse, call: RecordedOpenAiCall, body: ChatCompletionRequest, reply: OpenAiFakeReply, view: OpenAiFakeRequestView): Promise<void> => {
    call.reply = reply.kind;
    if (reply.kind === 'slow') {
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), reply.delayMs);
        // The client gave up (its timeout): stop waiting, nobody will read the answer.
        res.once('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!ok || res.writableEnded || res.destroyed) {
        call.status = 499;
        return;
      }
      return respond(req, res, call, body, reply.then, view);
    }
    if (reply.kind === 'http') {
      call.status = reply.status;
      const type = reply.status === 429 ? 'requests' : reply.status >= 500 ? 'server_error' : 'invalid_request_error';
      const code = reply.status === 429 ? 'rate_limit_exceeded' : null;
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
      return send(res, reply.status, errorBody(reply.message ?? (reply.status === 429 ? 'Rate limit reached for requests' : 'The server had an error while processing your request.'), type, code), headers);
    }
    let content: string | null = null;
    let refusal: string | null = null;
    let finishReason: 'stop' | 'length' = 'stop';
    if (reply.kind === 'json') {
      const format = body.response_format;
      if (!reply.unchecked && format?.type === 'json_schema') {
        const schema = (format as JsonSchemaFormat).json_schema.schema;
        const key = JSON.stringify(schema);
        let validate = validators.get(key);
        if (!validate) {
          validate = ajv.compile(schema);
          validators.set(key, validate);
        }
        if (!validate(reply.value)) {
          // A scripted answer outside the schema is a bug in the test: strict mode never returns one.
          call.status = 500;
          return send(res, 500, errorBody(`openai fake: scripted answer violates the request's schema: ${ajv.errorsText(validate.errors)}`, 'server_error', null));
        }
      }
      content = JSON.stringify(reply.value);
    } else if (reply.kind === 'content') {
      content = reply.content;
    } else if (reply.kind === 'refusal') {
      refusal = reply.refusal;
    } else {
      content = '{"intent": "pass';
      finishReason = 'length';
    }
    const prompt = body.messages.reduce((n, m) => n + countTokens(m.content) + 4, 0);
    const completion = countTokens(content ?? refusal ?? '');
    call.status = 200;
    send(
      res,
      200,
      chatCompletionBody({
        id: `chatcmpl-fake${counter + 1}`,
        created: 1_700_000_000 + counter,
        model: options.servedModel ?? body.model,
        content,
        refusal,
        finishReason,
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      }),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const call: RecordedOpenAiCall = { method: req.method ?? 'GET', path, status: 0, authorization: req.headers.authorization };
    calls.push(call);
    const raw = await readBody(req);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      call.status = 401;
      return send(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    }
    if (req.method === 'GET' && path === '/v1/models') {
      call.status = 200;
      return send(res, 200, { object: 'list', data: [{ id: options.servedModel ?? 'gpt-4o-mini', object: 'model', created: 1_700_000_000, owned_by: 'keyward-fake' }] });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      call.status = 404;
      return send(res, 404, errorBody(`Invalid URL (${req.method ?? ''} ${path})`, 'invalid_request_error', null));
    }
    let body: ChatCompletionRequest;
    try {
      body = JSON.parse(raw) as ChatCompletionRequest;
    } catch {
      call.status = 400;
      return send(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
    }
    call.body = body;
    const problem = requestProblem(body);
    if (problem) {
      call.status = 400;
      return send(res, 400, errorBody(problem.message, 'invalid_request_error', null, problem.param));
    }
    const view: OpenAiFakeRequestView = {
      model: body.model,
      userText: [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '',
      systemText: body.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n'),
      body,
    };
    requests.push(view);
    await respond(req, res, call, body, await nextReply(view), view);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorBody(`openai fake crashed: ${error instanceof Error ? error.message : String(error)}`, 'server_error', null));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    calls,
    completionRequests: () => [...requests],
    replyNext: (reply, times = 1) => void queue.push({ reply, times }),
    answer: (text, reply) => void scripted.set(text, reply),
    setModel: (next) => {
      model = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function requestProblem(body: ChatCompletionRequest): { message: string; param: string } | undefined {
  if (typeof body.model !== 'string' || body.model.length === 0) return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(body.messages) || body.messages.length === 0) return { message: "[] is too short - 'messages'", param: 'messages' };
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
    return { message: `${String(body.temperature)} is not a valid temperature (0 to 2)`, param: 'temperature' };
  }
  const format = body.response_format;
  if (format?.type === 'json_schema') {
    const spec = (format as JsonSchemaFormat).json_schema;
    if (!spec || !NAME.test(spec.name)) return { message: "Invalid 'response_format.json_schema.name'", param: 'response_format.json_schema.name' };
    if (spec.strict === true) {
      const problems = strictSchemaProblems(spec.schema);
      if (problems.length > 0) return { message: `Invalid schema for response_format '${spec.name}': ${problems[0] ?? ''}`, param: 'response_format' };
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
