import type { ChatActionId, ChatButton, Escalation, OutboundMessage } from '@keyward/core';
import { CHAT_ACTIONS } from '@keyward/core';
import { escapeMrkdwn, escapeMrkdwnWithin, fitPlainText } from './mrkdwn-escape';

/** A Block Kit block as JSON; Slack validates the shape, our fake mirrors the limits we rely on. */
export type SlackBlock = Record<string, unknown>;

export interface RenderedSlackMessage {
  /** Fallback for notifications and screen readers; Slack parses it as mrkdwn too, so it is escaped. */
  text: string;
  blocks: SlackBlock[];
}

const TONE_EMOJI: Record<NonNullable<OutboundMessage['tone']>, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  danger: ':no_entry:',
};

/** Block id of the buttons block; interactions carry it back in `actions[].block_id`. */
export const ACTIONS_BLOCK_ID = 'keyward.actions';

/**
 * Slack rejects a block whose elements repeat an `action_id` (it must be unique within the block), yet
 * several "choose" buttons share one neutral action id. Repeats get a `#n` suffix that
 * `parseSlackActionId` strips on the way back in.
 */
function buttonElements(buttons: ChatButton[]): SlackBlock[] {
  const seen = new Map<string, number>();
  return buttons.slice(0, 25).map((button) => {
    const count = (seen.get(button.actionId) ?? 0) + 1;
    seen.set(button.actionId, count);
    const element: SlackBlock = {
      type: 'button',
      action_id: count === 1 ? button.actionId : `${button.actionId}#${count}`,
      value: button.value,
      // plain_text is never parsed for mentions or links; emoji:false keeps `:x:` in labels literal.
      text: { type: 'plain_text', text: fitPlainText(button.label, 75), emoji: false },
    };
    if (button.style !== undefined) element['style'] = button.style;
    // A link button (OIDC sign-in): Slack opens the URL in the browser and still sends a
    // block_actions event, which core ignores (empty value). Slack caps button URLs at 3000 chars.
    if (button.url !== undefined && /^https?:\/\//.test(button.url) && button.url.length <= 3000) element['url'] = button.url;
    return element;
  });
}

const KNOWN_ACTIONS = new Set<string>(Object.values(CHAT_ACTIONS));

/** Maps a Slack `action_id` back to the neutral id; undefined for anything we did not render. */
export function parseSlackActionId(actionId: string): ChatActionId | undefined {
  const base = actionId.replace(/#\d+$/, '');
  return KNOWN_ACTIONS.has(base) ? (base as ChatActionId) : undefined;
}

function mrkdwn(text: string): SlackBlock {
  // verbatim:true stops Slack from auto-linking bare URLs and #channel names in user text.
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Renders a neutral message; every string in it is treated as untrusted plain text. */
export function renderOutboundMessage(message: OutboundMessage): RenderedSlackMessage {
  const prefix = message.tone === undefined ? '' : `${TONE_EMOJI[message.tone]} `;
  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(`${prefix}${escapeMrkdwnWithin(message.text, 3000 - prefix.length)}`) },
  ];
  if (message.emphasis !== undefined && message.emphasis.length > 0) {
    // The header block is the largest text Block Kit offers, and plain_text: a push number or code
    // shows exactly as given.
    blocks.push({ type: 'header', text: { type: 'plain_text', text: fitPlainText(message.emphasis, 150), emoji: false } });
  }
  if (message.buttons !== undefined && message.buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: buttonElements(message.buttons) });
  }
  const context = (message.context ?? []).filter((line) => line.length > 0).slice(0, 10);
  if (context.length > 0) {
    blocks.push({ type: 'context', elements: context.map((line) => mrkdwn(escapeMrkdwnWithin(line, 3000))) });
  }
  const emphasis = message.emphasis === undefined ? '' : ` — ${escapeMrkdwn(message.emphasis)}`;
  return { text: escapeMrkdwnWithin(`${message.text}`, 2900) + emphasis, blocks };
}

const SEVERITY_LABEL: Record<Escalation['severity'], string> = {
  info: 'Escalation',
  warning: 'Escalation — needs a human',
  critical: 'Escalation — CRITICAL',
};

/**
 * Helpdesk case card: severity header, reason, the case status, each fact as a labelled field (10
 * fields per section), the case buttons (Take / Resolve / Reject, Approve / Deny) and the request id.
 * The same rendering serves `chat.update`, so the card always shows its current state.
 */
export function renderEscalation(escalation: Escalation): RenderedSlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: SEVERITY_LABEL[escalation.severity], emoji: false } },
    { type: 'section', text: mrkdwn(escapeMrkdwnWithin(escalation.reason, 3000)) },
  ];
  const status = escalation.status?.trim() ?? '';
  if (status.length > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`*Status:* ${escapeMrkdwnWithin(status, 2900)}`)] });
  }
  const fields = Object.entries(escalation.facts).map(([key, value]) =>
    mrkdwn(`*${escapeMrkdwnWithin(key, 200)}*\n${escapeMrkdwnWithin(value, 1700)}`),
  );
  // Fields are capped so the buttons and the request id below always fit Slack's 50 blocks.
  for (let i = 0; i < fields.length && blocks.length < 45; i += 10) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + 10) });
  }
  if (escalation.buttons !== undefined && escalation.buttons.length > 0) {
    blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: buttonElements(escalation.buttons) });
  }
  if (escalation.requestId !== undefined) {
    blocks.push({ type: 'context', elements: [mrkdwn(`Request ${escapeMrkdwnWithin(escalation.requestId, 200)}`)] });
  }
  const fallback = status.length > 0 ? `${escalation.reason} (${status})` : escalation.reason;
  return {
    text: escapeMrkdwnWithin(`${SEVERITY_LABEL[escalation.severity]}: ${fallback}`, 2900),
    blocks,
  };
}
