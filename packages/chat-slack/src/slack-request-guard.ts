import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The checks a request to the Slack Request URL passes before Bolt sees it: Slack's v0 signature with
 * a timestamp inside ±5 minutes of our clock (Slack "Verifying requests from Slack": reject when
 * |now − X-Slack-Request-Timestamp| > 5 minutes, in either direction), then a body Bolt can route
 * without dereferencing a field that is not there. Pure functions: the receiver does the I/O.
 */

type Json = Record<string, unknown>;

/** Slack's replay window, both ways: a timestamp from the future is as suspect as a stale one. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type SlackSignatureVerdict = { ok: true } | { ok: false; reason: string };

export interface SlackSignatureInput {
  signingSecret: string;
  rawBody: Buffer;
  /** X-Slack-Request-Timestamp as node hands it over (a repeated header arrives as something else). */
  timestamp: string | string[] | undefined;
  /** X-Slack-Signature. */
  signature: string | string[] | undefined;
  nowMs: number;
}

const TIMESTAMP = /^\d{1,15}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

export function verifySlackSignature(input: SlackSignatureInput): SlackSignatureVerdict {
  const { timestamp, signature } = input;
  if (typeof timestamp !== 'string' || !TIMESTAMP.test(timestamp)) return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp' };
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return { ok: false, reason: 'missing or malformed X-Slack-Signature' };
  const skew = Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp));
  if (skew > SLACK_TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: 'X-Slack-Request-Timestamp is more than 5 minutes from our clock' };
  // Over the raw bytes: the body is signed as sent, before any decoding.
  const expected = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:`).update(input.rawBody).digest('hex')}`;
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Slack posts interactivity as a form; everything else it sends is JSON. */
export function isFormBody(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** `ssl_check=1` (a form body): Slack probing the certificate; documented as unsigned, answered 200. */
export function isSslCheck(rawBody: Buffer, contentType: string | undefined): boolean {
  return isFormBody(contentType) && new URLSearchParams(rawBody.toString('utf8')).get('ssl_check') === '1';
}

export type SlackBodyVerdict = { ok: true; body: Json } | { ok: false; reason: string };

/**
 * The body as Bolt will see it: JSON, or for a form the JSON in its single `payload` field. It must be
 * an object with a string `type` and the fields its kind needs (see `slackBodyProblem`).
 */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): SlackBodyVerdict {
  let text = rawBody.toString('utf8');
  if (isFormBody(contentType)) {
    const payloads = new URLSearchParams(text).getAll('payload');
    if (payloads.length !== 1) return { ok: false, reason: 'a form body needs exactly one payload field' };
    text = payloads[0] as string;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const problem = slackBodyProblem(parsed);
  return problem === undefined && isObject(parsed) ? { ok: true, body: parsed } : { ok: false, reason: problem ?? 'the body is not a JSON object' };
}

const absentOr = (value: unknown, accept: (v: unknown) => boolean): boolean => value === undefined || accept(value);
const objectOrNull = (value: unknown): boolean => value === null || isObject(value);
const isString = (value: unknown): boolean => typeof value === 'string';
const arrayOfObjects = (value: unknown): boolean => Array.isArray(value) && value.every(isObject);

/**
 * What is wrong with a parsed body, or undefined. Bolt picks the kind of a body by which keys are
 * present (`event`, `actions`, `name`…) and then reads nested fields without checking them, so a
 * signed `{"type":"event_callback","event":null}` throws inside it. These are those fields.
 */
export function slackBodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  const type = body['type'];
  if (typeof type !== 'string' || type.length === 0) return 'the body has no string "type"';
  if (type === 'url_verification') return isString(body['challenge']) ? undefined : 'url_verification without a string challenge';
  if (!absentOr(body['response_urls'], arrayOfObjects)) return 'response_urls is not a list of objects';
  if (body['event'] !== undefined || type === 'event_callback') return eventEnvelopeProblem(body);
  if (body['command'] !== undefined) return 'slash commands are not served here';
  if (body['actions'] !== undefined || type === 'block_actions' || type === 'interactive_message' || type === 'dialog_submission') {
    const actions = body['actions'];
    if (!(type === 'dialog_submission' && actions === undefined) && !(arrayOfObjects(actions) && (actions as unknown[]).length > 0)) {
      return `${type} without a list of actions`;
    }
    return interactionProblem(body, type);
  }
  if (body['name'] !== undefined || type === 'block_suggestion' || type === 'shortcut' || type === 'message_action') return interactionProblem(body, type);
  if (type === 'view_submission' || type === 'view_closed') {
    if (!isObject(body['view'])) return `${type} without a view`;
    return interactionProblem(body, type);
  }
  // Other top-level types (app_rate_limited…): Bolt reads nothing of them; it logs and ignores them.
  return undefined;
}

function eventEnvelopeProblem(body: Json): string | undefined {
  if (body['type'] !== 'event_callback') return 'an event outside an event_callback envelope';
  const event = body['event'];
  if (!isObject(event) || !isString(event['type'])) return 'event_callback without an event object with a string type';
  if (!absentOr(body['authorizations'], arrayOfObjects)) return 'authorizations is not a list of objects';
  // Read by Bolt with `in` / property access when present.
  if (!absentOr(event['channel'], (v) => isString(v) || isObject(v))) return 'event.channel is neither an id nor an object';
  if (!absentOr(event['user'], (v) => isString(v) || isObject(v))) return 'event.user is neither an id nor an object';
  for (const key of ['item', 'subteam'] as const) {
    if (!absentOr(event[key], isObject)) return `event.${key} is not an object`;
  }
  return undefined;
}

/** block_actions, shortcuts, view submissions…: Bolt reads `user.id`, and `team` / `channel` / `enterprise` when present. */
function interactionProblem(body: Json, type: string): string | undefined {
  const user = body['user'];
  if (!isObject(user) || !isString(user['id'])) return `${type} without a user id`;
  if (!absentOr(body['team'], objectOrNull)) return `${type}: team is not an object`;
  if (!absentOr(body['enterprise'], objectOrNull)) return `${type}: enterprise is not an object`;
  if (!absentOr(body['channel'], isObject)) return `${type}: channel is not an object`;
  return undefined;
}
