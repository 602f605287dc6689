export { createSlackFake } from './slack-fake';
export type { RecordedSlackCall, SlackFake, SlackFakeOptions, SlackFault } from './slack-fake';
export type { OpenedSlackView, PostedSlackMessage } from './slack-fake-methods';
export { buildSlackFakeUser, defaultSlackUsers, SLACK_FAKE_IDS } from './slack-fake-users';
export type { SlackFakeUser } from './slack-fake-users';
export {
  computeSlackSignature,
  deliverSlackRequest,
  signSlackEvent,
  signSlackInteraction,
  signSlackRequest,
} from './signed-slack-request';
export type { SignedSlackRequest, SlackDeliveryResult, SlackSigningOptions } from './signed-slack-request';
export {
  buildAppMentionEvent,
  buildChannelMessageEvent,
  buildDirectMessageEvent,
  buildMessageChangedEvent,
  buildUrlVerification,
  newSlackEventId,
  newSlackTs,
  wrapSlackEvent,
} from './slack-event-envelopes';
export type { SlackEventEnvelope } from './slack-event-envelopes';
export { buildBlockActionsPayload, buildViewSubmissionPayload } from './slack-interaction-payloads';
export type { BlockActionsOptions, SubmittedViewSource, ViewSubmissionOptions } from './slack-interaction-payloads';
