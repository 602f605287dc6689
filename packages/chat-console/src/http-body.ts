import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './http-problem';

export type JsonObject = Record<string, unknown>;

/**
 * Reads a JSON object body. Requiring `application/json` is also the console's CSRF guard: a page on
 * another origin cannot send that content type without a CORS preflight, which the console never grants.
 */
export async function readJsonObject(req: IncomingMessage, limitBytes: number): Promise<JsonObject> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    req.resume();
    throw new HttpProblem(415, 'body.content_type', 'Send the body as JSON (Content-Type: application/json).');
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new HttpProblem(413, 'body.too_large', `The body is larger than ${limitBytes} bytes.`);
  }
  const raw = await collect(req, limitBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpProblem(400, 'body.invalid_json', 'The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpProblem(400, 'body.not_object', 'The body must be a JSON object.');
  }
  return parsed as JsonObject;
}

/**
 * Collects the body with events rather than `for await`: leaving an async iterator early destroys the
 * socket, and then the 413 could never be sent. Past the limit the rest is drained and dropped.
 */
function collect(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer | string) => {
      if (refused) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      // Chunked bodies carry no Content-Length, so the limit is enforced on the bytes as they arrive.
      if (size > limitBytes) {
        refused = true;
        chunks.length = 0;
        reject(new HttpProblem(413, 'body.too_large', `The body is larger than ${limitBytes} bytes.`));
        return;
      }
      chunks.push(buffer);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

interface StringRule {
  maxLength: number;
  /** Trim and refuse an empty result (for what a person typed). */
  nonBlank?: boolean;
}

export function requireString(body: JsonObject, name: string, rule: StringRule): string {
  const value = body[name];
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string.`);
  return checkString(name, value, rule);
}

export function optionalString(body: JsonObject, name: string, rule: StringRule): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string when present.`);
  return checkString(name, value, rule);
}

/** Reads a non-negative integer query parameter, e.g. `afterSeq`. */
export function optionalCount(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw invalid(`"${name}" must be a non-negative integer.`);
  return Number(raw);
}

export function requireQueryString(params: URLSearchParams, name: string, maxLength: number): string {
  const raw = params.get(name);
  if (raw === null || raw === '') throw invalid(`The "${name}" query parameter is required.`);
  if (raw.length > maxLength) throw invalid(`"${name}" is longer than ${maxLength} characters.`);
  return raw;
}

function checkString(name: string, value: string, rule: StringRule): string {
  const result = rule.nonBlank === true ? value.trim() : value;
  if (rule.nonBlank === true && result === '') throw invalid(`"${name}" must not be empty.`);
  if (result.length === 0) throw invalid(`"${name}" must not be empty.`);
  if (result.length > rule.maxLength) throw invalid(`"${name}" is longer than ${rule.maxLength} characters.`);
  return result;
}

function invalid(message: string): HttpProblem {
  return new HttpProblem(400, 'body.invalid', message);
}
