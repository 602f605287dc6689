/**
 * Escapes a value for a double-quoted string literal in an Okta `search`/`filter` expression:
 * backslash and double quote are escaped with a backslash (Okta filter syntax, SCIM RFC 7644 §3.4.2.2).
 * Without it, an email like `x" or status eq "ACTIVE` would widen the search (DESIGN.md invariant 7).
 * Control characters have no escape in this syntax and never occur in a valid email: rejected.
 */
export function escapeSearchValue(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new RangeError('search value contains a control character');
  return value.replace(/[\\"]/g, (c) => `\\${c}`);
}
