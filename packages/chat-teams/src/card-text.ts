/**
 * Adaptive Card TextBlocks render a Markdown subset in Teams (bold, italic, lists, `[text](url)`
 * links), and Teams turns `<at>…</at>` into mentions when the card declares matching entities. Our
 * strings are plain text from users, the IdP or the model, so every character that could start
 * Markdown or markup is neutralised before it reaches a card.
 *
 * CommonMark lets any ASCII punctuation be escaped with a backslash, and the escaped character is
 * shown literally (CommonMark spec §2.4 "Backslash escapes"). `<` and `>` are not escaped that way
 * but swapped for look-alike angle quotes: an `<at>` tag or an HTML tag then cannot be reassembled
 * by any renderer, whichever Markdown dialect a Teams client uses.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~]/g;

/** Plain text → text safe for a TextBlock (links, emphasis, lists, headings and tags stay literal). */
export function escapeCardText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203A');
}

/** Bounds a string (Teams rejects activities over ~28 KB); cut on a code point, never mid-surrogate. */
export function fitText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Escaped and bounded; the bound is applied to the plain text so an escape is never cut in half. */
export function cardText(text: string, max = 4000): string {
  return escapeCardText(fitText(text, max));
}
