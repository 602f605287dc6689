import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthorizationError, HTTPResponseAck } from '@slack/bolt';
import type { App, Logger as SlackLogger, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '@keyward/core';
import { isSslCheck, parseSlackBody, verifySlackSignature } from './slack-request-guard';

/** Slack's payloads are a few KB; the gateway refuses a larger announced body before we read it. */
export const SLACK_BODY_LIMIT_BYTES = 1024 * 1024;

/** Bolt's own limit for acknowledging an interaction before it answers for the listener. */
const UNHANDLED_REQUEST_TIMEOUT_MS = 3001;

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  /** The one path Slack posts to (events and interactivity alike). */
  path: string;
  logger: Logger;
  /** Handed to Bolt's ack helper. */
  slackLogger: SlackLogger;
  /** Wall clock for the signature's 5-minute window (tests: a fixed one). */
  nowMs?: () => number;
}

function sendStatus(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The whole body, or 'too_large' as soon as it passes `limit`, or 'gone' when the client went away. */
function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'gone'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: Buffer | 'too_large' | 'gone'): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle('gone'));
    req.on('close', () => settle('gone'));
  });
}

/**
 * Our Bolt receiver for HTTP mode, mounted on the product's own server. It does what Bolt's
 * HTTPReceiver does (read, verify, parse, ack, hand to `app.processEvent`) with three differences:
 * the timestamp window is enforced in both directions, a body Bolt cannot route is refused with 400
 * before Bolt sees it, and every step runs inside one awaited promise — HTTPReceiver runs its work in
 * a detached async closure, so one exception there (a signed `null` body) was an unhandled rejection
 * that stopped the process. Here any unexpected error is a 500 and a log line.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private readonly options: SlackHttpReceiverOptions;
  private readonly logger: Logger;

  constructor(options: SlackHttpReceiverOptions) {
    this.options = options;
    this.logger = options.logger.child({ component: 'slack-receiver' });
  }

  init(app: App): void {
    this.app = app;
  }

  /** The host owns the server: nothing to open or close. */
  async start(): Promise<void> {
    return undefined;
  }

  async stop(): Promise<void> {
    return undefined;
  }

  /** Never throws and never rejects: the host may call it without a catch. */
  readonly requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'slack request failed');
      if (!res.headersSent) sendStatus(res, 500);
      else if (!res.writableEnded) res.end();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== this.options.path || req.method !== 'POST') {
      req.resume();
      return sendStatus(res, 404);
    }
    const raw = await readRawBody(req, SLACK_BODY_LIMIT_BYTES);
    if (raw === 'gone') return;
    if (raw === 'too_large') {
      this.logger.warn({ limit: SLACK_BODY_LIMIT_BYTES }, 'slack request body too large');
      // The rest of the body stays unread: close the connection so nobody reuses the socket.
      res.on('finish', () => req.destroy());
      return sendStatus(res, 413, { connection: 'close' });
    }
    const contentType = header(req, 'content-type');
    if (isSslCheck(raw, contentType)) return sendStatus(res, 200);

    const verdict = verifySlackSignature({
      signingSecret: this.options.signingSecret,
      rawBody: raw,
      timestamp: req.headers['x-slack-request-timestamp'],
      signature: req.headers['x-slack-signature'],
      nowMs: (this.options.nowMs ?? Date.now)(),
    });
    if (!verdict.ok) {
      this.logger.warn({ reason: verdict.reason }, 'slack request refused: not verified');
      return sendStatus(res, 401);
    }
    const parsed = parseSlackBody(raw, contentType);
    if (!parsed.ok) {
      // Signed, so from Slack or from someone holding the signing secret: worth a warning, never the body.
      this.logger.warn({ reason: parsed.reason }, 'slack request refused: malformed body');
      return sendStatus(res, 400);
    }
    const body = parsed.body;
    if (body['type'] === 'url_verification') {
      const text = JSON.stringify({ challenge: body['challenge'] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    const app = this.app;
    if (app === undefined) return sendStatus(res, 503);

    const ack = new HTTPResponseAck({
      logger: this.options.slackLogger,
      // Ack first, then run listeners: Slack wants the HTTP 200 within 3 s.
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_TIMEOUT_MS,
      httpRequest: req,
      httpRequestBody: body,
      httpResponse: res,
    });
    const event: ReceiverEvent = { body, ack: ack.bind(), customProperties: {} };
    const retryNum = header(req, 'x-slack-retry-num');
    if (retryNum !== undefined && /^\d{1,6}$/.test(retryNum)) event.retryNum = Number(retryNum);
    const retryReason = header(req, 'x-slack-retry-reason');
    if (retryReason !== undefined) event.retryReason = retryReason;
    try {
      await app.processEvent(event);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (res.headersSent) {
        this.logger.error({ err: message }, 'slack listener failed after the ack');
        return;
      }
      ack.ack();
      if (error instanceof AuthorizationError) return sendStatus(res, 401);
      this.logger.error({ err: message }, 'slack event processing failed');
      return sendStatus(res, 500);
    }
  }
}
