import type { RevealedSecret } from '@keyward/core';
import { escapeMrkdwnWithin, fitPlainText } from './mrkdwn-escape';
import type { SlackBlock } from './block-kit-renderer';

/**
 * Modals for showing a one-time secret. A modal is private to the clicker and not part of channel
 * history, which is why secrets go here and never through chat.postMessage / chat.update.
 */
export interface SlackModalView {
  type: 'modal';
  title: { type: 'plain_text'; text: string };
  close: { type: 'plain_text'; text: string };
  blocks: SlackBlock[];
}

/** action_id of the link button inside the modal; its click is acked and otherwise ignored. */
export const OPEN_LINK_ACTION_ID = 'keyward.open_link';

function modal(blocks: SlackBlock[]): SlackModalView {
  // Title and close labels are limited to 24 characters by Slack.
  return { type: 'modal', title: { type: 'plain_text', text: 'Keyward' }, close: { type: 'plain_text', text: 'Close' }, blocks };
}

function plainSection(text: string): SlackBlock {
  // plain_text with emoji:false shows every character literally: nothing in a password or link is
  // interpreted as formatting, a mention or an emoji shortcode.
  return { type: 'section', text: { type: 'plain_text', text: fitPlainText(text, 3000), emoji: false } };
}

/** Opened straight from the click, while the 3-second trigger_id is still fresh. */
export function buildWorkingModal(): SlackModalView {
  return modal([plainSection('Getting your one-time secret…')]);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function buildSecretModal(secret: RevealedSecret): SlackModalView {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: fitPlainText(secret.title, 150), emoji: false } },
  ];
  if (secret.isLink && isHttpUrl(secret.secret) && secret.secret.length <= 3000) {
    // A URL button opens the link without the URL passing through mrkdwn link syntax (`<url|label>`),
    // where a `|` or `>` in the value could change the target.
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: OPEN_LINK_ACTION_ID,
          text: { type: 'plain_text', text: 'Open link', emoji: false },
          url: secret.secret,
          style: 'primary',
        },
      ],
    });
  }
  blocks.push(plainSection(secret.secret));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwnWithin(secret.note, 3000), verbatim: true }] });
  return modal(blocks);
}

/** Shown instead of the secret when it cannot be revealed; the sentence is user-safe. */
export function buildErrorModal(sentence: string): SlackModalView {
  return modal([plainSection(sentence)]);
}
