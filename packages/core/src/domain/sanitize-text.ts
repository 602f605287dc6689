/**
 * Text from chat platforms goes into PostgreSQL jsonb, which rejects NUL (\u0000) and unpaired UTF-16
 * surrogates: left in, they fail the insert and a message is lost. Control characters other than
 * tab and newline are removed; unpaired surrogates become U+FFFD.
 */
export function sanitizeText(text: string): string {
  const withoutControls = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return withoutControls.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

// Direction overrides and isolates (and the marks): they can make a quoted text read backwards.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A requester's own words, quoted on a card someone else reads (an approver): one line, no direction
 * controls, bounded. Newlines would let the text forge lines that look like the card's own ("You are
 * asked as their manager…", "IT Security: pre-approved…").
 */
export function quoteForCard(text: string, max: number): string {
  const flat = text.replace(BIDI_CONTROLS, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// "my password is X", "pwd: X", "PIN = 1234": the value after the connector is hidden.
const TYPED_SECRET = /\b(pass(?:word|code|phrase)|passwd|pwd|pin|mot de passe|passwort|contrase(?:ñ|n)a)(\s*(?:is|was|=|:)\s*)(["'`]?)(?!(?:not|no|now|still|too|being|wrong|incorrect|invalid|expired|locked|blocked|broken|reset|the|a|an|my|it|for|about|and|or|but|ok|okay)\b)([^\s"'`]+)/giu;

/**
 * People sometimes type a password into the chat ("my password is Hunter2, reset it"). The value is
 * replaced before the message is stored, so it never reaches the database, a card, the helpdesk
 * channel or the model. The rest of the message is kept.
 */
export function maskTypedSecrets(text: string): string {
  return text.replace(TYPED_SECRET, (_match, word: string, connector: string, quote: string) => `${word}${connector}${quote}[hidden]`);
}
