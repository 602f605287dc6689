/**
 * Slack's mrkdwn gives `<…>` its control meaning: `<!channel>`, `<!here>`, `<@U123>` (mentions),
 * `<#C123>` (channel links) and `<http://x|label>` (links with a hidden target). Slack documents that
 * `&`, `<` and `>` — and only those — must be sent as `&amp;`, `&lt;`, `&gt;`; once they are, none of
 * those constructs can be formed from user or IdP text.
 *
 * Deliberately NOT neutralised: `*bold*`, `_italic_`, `~strike~` and backticks. mrkdwn has no escape
 * character for them, so the only way would be to splice invisible characters into the text, which
 * corrupts values people copy (group names like `design_team_eu`, app names). The markers can only
 * restyle the user's own words inside our message; they cannot mention anyone, link anywhere or add a
 * button. Values whose exact characters matter (secrets, the push number) are rendered as plain_text.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * Escapes and fits the result into `max` characters without cutting an entity in half (a dangling
 * `&am` would render as literal junk). Truncates on the raw text so each kept char is whole.
 */
export function escapeMrkdwnWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const piece = ENTITIES[ch] ?? ch;
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/** plain_text fields are not parsed, so they only need to fit Slack's length limit. */
export function fitPlainText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
