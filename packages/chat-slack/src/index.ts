export { createSlackSurface } from './slack-surface';
export type { SlackSurfaceOptions } from './slack-surface';
export { createSlackApp, SLACK_EVENTS_PATH } from './slack-app';
export type { SlackApp, SlackAppOptions } from './slack-app';
export { renderEscalation, renderOutboundMessage, parseSlackActionId } from './block-kit-renderer';
export type { RenderedSlackMessage, SlackBlock } from './block-kit-renderer';
export { escapeMrkdwn } from './mrkdwn-escape';
export { toChatAppError } from './slack-error-mapper';
export { DM_ONLY_NOTICE, EDIT_NOTICE } from './slack-message-listener';
