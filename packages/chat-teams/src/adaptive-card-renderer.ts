import { CHAT_ACTIONS, NOTE_ACTIONS } from '@keyward/core';
import type { ChatActionId, ChatButton, Escalation, OutboundMessage, RevealedSecret } from '@keyward/core';
import { cardText, fitText } from './card-text';

/** An Adaptive Card as JSON (Teams validates it; our tests check the parts we rely on). */
export type AdaptiveCard = Record<string, unknown>;
type CardElement = Record<string, unknown>;

/**
 * Content type of an Adaptive Card attachment and of an `adaptiveCard/action` invoke response that
 * replaces the card (Microsoft Learn, "Universal Actions for Adaptive Cards — work with Universal
 * Actions": the bot answers with `statusCode` 200, this `type` and the card as `value`).
 */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Action.Execute (Universal Actions) needs schema 1.4 in Teams; 1.5 adds `associatedInputs`, which
 * keeps Approve from carrying (and requiring) the note field that only Deny / Resolve / Reject use.
 */
const CARD_VERSION = '1.5';

/** Id of the Input.Text that carries a note; Action.Execute merges input values into `data` by id. */
export const NOTE_INPUT_ID = 'keyward_note';
export const NOTE_MAX_LENGTH = 1000;

/** An internal verb of our own (never reaches the core): "hide this secret now". */
export const HIDE_SECRET_VERB = 'keyward.teams.hide_secret';

const TONE_COLOR: Record<NonNullable<OutboundMessage['tone']>, string> = {
  info: 'Default',
  success: 'Good',
  warning: 'Warning',
  danger: 'Attention',
};

const TONE_LABEL: Record<NonNullable<OutboundMessage['tone']>, string> = {
  info: 'Info',
  success: 'Done',
  warning: 'Heads up',
  danger: 'Stopped',
};

function card(body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  const result: AdaptiveCard = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: CARD_VERSION, body };
  if (actions.length > 0) result['actions'] = actions;
  return result;
}

function textBlock(text: string, extra: CardElement = {}): CardElement {
  return { type: 'TextBlock', text: cardText(text), wrap: true, ...extra };
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // A sign-in link is https; plain http only for a loopback test setup (same rule as PUBLIC_BASE_URL).
    return url.protocol === 'https:' || (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'));
  } catch {
    return false;
  }
}

/** Action.Execute: `verb` = our action id, `data` = the button's value (plus the note input, if any). */
function executeAction(button: ChatButton, withNote: boolean): CardElement {
  const action: CardElement = {
    type: 'Action.Execute',
    title: fitText(button.label, 80),
    verb: button.actionId,
    data: { value: button.value },
    // Only the note buttons send (and validate) the note field; Approve must not be blocked by it.
    associatedInputs: withNote ? 'auto' : 'none',
  };
  if (button.style === 'primary') action['style'] = 'positive';
  if (button.style === 'danger') action['style'] = 'destructive';
  return action;
}

function buttonActions(buttons: ChatButton[] | undefined): { actions: CardElement[]; note?: CardElement } {
  const actions: CardElement[] = [];
  let noteRequired = false;
  let hasNote = false;
  for (const button of (buttons ?? []).slice(0, 6)) {
    if (button.url !== undefined) {
      // A link button (OIDC sign-in) opens the browser and sends nothing to the bot.
      if (isHttpsUrl(button.url)) actions.push({ type: 'Action.OpenUrl', title: fitText(button.label, 80), url: button.url });
      continue;
    }
    const withNote = NOTE_ACTIONS.includes(button.actionId);
    if (withNote) hasNote = true;
    if (button.actionId === CHAT_ACTIONS.caseResolve || button.actionId === CHAT_ACTIONS.caseReject) noteRequired = true;
    actions.push(executeAction(button, withNote));
  }
  if (!hasNote) return { actions };
  // Slack collects the note in a modal; a card can carry the field itself, so a click is one round trip.
  const note: CardElement = {
    type: 'Input.Text',
    id: NOTE_INPUT_ID,
    isMultiline: true,
    maxLength: NOTE_MAX_LENGTH,
    label: noteRequired ? 'Note (required to resolve or reject; the requester sees it)' : 'Note (optional)',
    placeholder: 'What happened, or why',
  };
  return { actions, note };
}

/** A neutral message as a card: every string is plain text and escaped (card-text.ts). */
export function renderOutboundCard(message: OutboundMessage): AdaptiveCard {
  const body: CardElement[] = [];
  if (message.tone !== undefined) {
    body.push(textBlock(TONE_LABEL[message.tone], { weight: 'Bolder', color: TONE_COLOR[message.tone], size: 'Small' }));
  }
  body.push(textBlock(message.text));
  if (message.emphasis !== undefined && message.emphasis.length > 0) {
    // The push number to tap: the largest text a card offers, monospace so digits are unambiguous.
    body.push(textBlock(fitText(message.emphasis, 150), { size: 'ExtraLarge', weight: 'Bolder', fontType: 'Monospace', horizontalAlignment: 'Center' }));
  }
  const { actions, note } = buttonActions(message.buttons);
  if (note) body.push(note);
  for (const line of (message.context ?? []).filter((l) => l.length > 0).slice(0, 10)) {
    body.push(textBlock(line, { isSubtle: true, size: 'Small', spacing: 'Small' }));
  }
  return card(body, actions);
}

const SEVERITY_LABEL: Record<Escalation['severity'], string> = {
  info: 'Escalation',
  warning: 'Escalation — needs a human',
  critical: 'Escalation — CRITICAL',
};

/** Helpdesk case card: severity, reason, status, facts (FactSet), case buttons, request id. */
export function renderEscalationCard(escalation: Escalation): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(SEVERITY_LABEL[escalation.severity], { size: 'Large', weight: 'Bolder', color: escalation.severity === 'info' ? 'Default' : 'Attention' }),
    textBlock(escalation.reason),
  ];
  const status = escalation.status?.trim() ?? '';
  if (status.length > 0) body.push(textBlock(`Status: ${status}`, { weight: 'Bolder' }));
  const facts = Object.entries(escalation.facts)
    .slice(0, 30)
    .map(([title, value]) => ({ title: cardText(title, 200), value: cardText(value, 1700) }));
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  const { actions, note } = buttonActions(escalation.buttons);
  if (note) body.push(note);
  if (escalation.requestId !== undefined) body.push(textBlock(`Request ${escalation.requestId}`, { isSubtle: true, size: 'Small' }));
  return card(body, actions);
}

/**
 * The card returned in the `adaptiveCard/action` invoke response after a click the core accepted
 * for processing. It has no buttons (a second click cannot start a second decision from this
 * client) and says the outcome will follow; the worker later replaces the card with its final
 * state through the connector (approval decided, case taken…).
 */
export function renderClickReceivedCard(label: string, clickerName: string | undefined, note: string | undefined): AdaptiveCard {
  const who = clickerName === undefined ? '' : ` by ${clickerName}`;
  const body: CardElement[] = [textBlock(`${label} — received${who}.`, { weight: 'Bolder' })];
  if (note !== undefined && note.length > 0) body.push(textBlock(`Note: ${note}`, { isSubtle: true }));
  body.push(textBlock('This card shows the outcome when it is done.', { isSubtle: true, size: 'Small' }));
  return card(body);
}

/** Shown in place of a card when a click was refused or failed; the sentence is user-safe. */
export function renderNoticeCard(sentence: string): AdaptiveCard {
  return card([textBlock(sentence)]);
}

/**
 * The one-time secret, only ever sent as an invoke response (to the clicker's client, never posted
 * as a message). A link secret is also an Action.OpenUrl; "Hide now" swaps in the shown-once card.
 */
export function renderSecretCard(secret: RevealedSecret): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(secret.title, { size: 'Large', weight: 'Bolder' }),
    // The secret must read byte for byte: a TextBlock renders Markdown, so cardText() backslash-escapes
    // punctuation, and Teams documents no backslash escapes — a password with `#` or `-` could be
    // shown (and typed) with a stray `\`. A TextRun does not support Markdown at all (Adaptive Cards
    // schema, TextRun.text), so the raw value is shown exactly as Graph / Okta issued it.
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: secret.secret, fontType: 'Monospace', size: 'Medium' }] },
    textBlock(secret.note, { isSubtle: true, size: 'Small' }),
  ];
  const actions: CardElement[] = [];
  if (secret.isLink && isHttpsUrl(secret.secret)) actions.push({ type: 'Action.OpenUrl', title: 'Open link', url: secret.secret });
  actions.push({ type: 'Action.Execute', title: 'Hide now', verb: HIDE_SECRET_VERB, data: {}, associatedInputs: 'none' });
  return card(body, actions);
}

/** What the secret card becomes: the message in chat history never holds the secret. */
export function renderShownOnceCard(): AdaptiveCard {
  return card([textBlock('This one-time secret was shown once and is no longer here. Ask me again if you need a new one.', { isSubtle: true })]);
}

/** Plain-text fallback for notifications (Teams shows `text` in the activity feed / toasts). */
export function summaryOf(message: OutboundMessage): string {
  return fitText(message.text.split('\n')[0] ?? '', 200);
}

export function isKnownVerb(verb: string): verb is ChatActionId {
  return (Object.values(CHAT_ACTIONS) as string[]).includes(verb);
}
