import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { App, SocketModeReceiver } from '@slack/bolt';
import type { Receiver, webApi } from '@slack/bolt';
import { RecentIds, systemClock } from '@keyward/core';
import type { Clock, InboundHandlers, Logger } from '@keyward/core';
import { toSlackLogger } from './bolt-logger-adapter';
import { onSlackBlockAction } from './slack-action-listener';
import { SlackHttpReceiver } from './slack-http-receiver';
import { NOTE_MODAL_CALLBACK_ID } from './note-modal';
import { onSlackAppMention, onSlackMessageEvent } from './slack-message-listener';
import { onSlackNoteSubmission } from './slack-view-listener';
import type { SlackListenerDeps } from './slack-message-listener';

/** One path for Events API and interactivity alike; point both Request URLs of the app here. */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  /** xapp-… token: switches to Socket Mode (no public URL needed). */
  appToken?: string;
  /** Web API base URL (tests: the fake's `apiUrl`). */
  apiUrl?: string;
  handlers: InboundHandlers;
  logger: Logger;
  clock?: Clock;
}

export interface SlackApp {
  /**
   * HTTP mode only: mount at `POST /slack/events` on the product's own server. Answers 503 until
   * `start()` has resolved, and 404 for paths it does not own. Never throws: a failure inside is a 500.
   */
  requestListener?: RequestListener;
  /** HTTP mode: verifies the token (auth.test). Socket Mode: also opens the socket. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

function sendStatus(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/** Builds the Bolt app with our listeners; the receiver decides HTTP vs Socket Mode. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = options.logger.child({ surface: 'slack' });
  const slackLogger = toSlackLogger(logger.child({ component: 'bolt' }));
  const clientOptions: webApi.WebClientOptions = {
    // Interactions must finish inside Slack's 3 s trigger window; a client that sleeps through a
    // Retry-After would only fail later. Rate limits surface as errors and are logged.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  };
  if (options.apiUrl !== undefined) clientOptions.slackApiUrl = options.apiUrl;

  const socketMode = options.appToken !== undefined;
  let receiver: Receiver;
  let httpReceiver: SlackHttpReceiver | undefined;
  if (options.appToken !== undefined) {
    // The socket client does not inherit App.clientOptions: apps.connections.open needs the URL too.
    receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger: slackLogger,
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl } },
    });
  } else {
    // Verifies (±5 min), refuses bodies Bolt cannot route, acks first, then runs the listeners.
    httpReceiver = new SlackHttpReceiver({ signingSecret: options.signingSecret, path: SLACK_EVENTS_PATH, logger, slackLogger });
    receiver = httpReceiver;
  }

  const app = new App({
    token: options.botToken,
    receiver,
    logger: slackLogger,
    clientOptions,
    // auth.test runs in start(), where its failure can be reported, not in the constructor.
    deferInitialization: true,
    ignoreSelf: true,
  });

  const deps: SlackListenerDeps = {
    handlers: options.handlers,
    logger,
    clock: options.clock ?? systemClock,
    recent: new RecentIds(),
  };

  app.event('message', async ({ event, body, context, client }) => {
    await onSlackMessageEvent({ event, body, botUserId: context.botUserId, retryNum: context.retryNum, client }, deps);
  });
  app.event('app_mention', async ({ event, body, context, client }) => {
    await onSlackAppMention({ event, body, botUserId: context.botUserId, retryNum: context.retryNum, client }, deps);
  });
  app.action({ type: 'block_actions', action_id: /^keyward\./ }, async ({ ack, body, action, client }) => {
    // Ack before anything else: Slack shows the user an error if the 200 takes more than 3 s.
    await ack();
    await onSlackBlockAction({ body, action, client }, deps);
  });
  app.view({ type: 'view_submission', callback_id: NOTE_MODAL_CALLBACK_ID }, async ({ ack, body }) => {
    // The listener acks (with errors, or to close the modal) before it calls the core.
    await onSlackNoteSubmission({ body, ack: (response) => (response === undefined ? ack() : ack(response)) }, deps);
  });
  app.error(async (error) => {
    logger.error({ err: error.message, code: error.code }, 'bolt error');
  });

  let started = false;
  const result: SlackApp = {
    async start() {
      await app.init();
      if (socketMode) await app.start();
      started = true;
    },
    async stop() {
      const wasStarted = started;
      started = false;
      if (!socketMode) return;
      try {
        await app.stop();
      } catch (error) {
        // A socket that never connected has nothing to close; anything else is worth knowing.
        if (wasStarted) throw error;
      }
    },
  };
  if (httpReceiver !== undefined) {
    const listener = httpReceiver.requestListener;
    result.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      if (!started) {
        req.resume();
        return sendStatus(res, 503);
      }
      listener(req, res);
    };
  }
  return result;
}
