/**
 * Text from chat platforms goes into PostgreSQL jsonb, which rejects NUL (\u0000) and unpaired UTF-16
 * surrogates: left in, they fail the insert and a message is lost. Control characters other than
 * tab and newline are removed; unpaired surrogates become U+FFFD.
 */
export function sanitizeText(text: string): string {
  const withoutControls = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return withoutControls.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
