/** What a redacted value is replaced with: the key stays, so the audit still shows the field existed. */
export const REDACTED = '[REDACTED]';

/** Key fragments that name a secret wherever they appear (keys are compared lower-cased, separators removed). */
const SECRET_KEY_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  // Entra "Temporary Access Pass" (temporaryAccessPass, tap is matched exactly below).
  'accesspass',
  'authorization',
  'cookie',
];

/** Short names that are secrets only as the whole key ("footprint" must not match "otp"). */
const SECRET_KEY_EXACT = new Set(['otp', 'totp', 'pin', 'tap', 'sig', 'signature']);

/** A key ending like this holds a link; links in action parameters are one-time credentials more often than not. */
const LINK_KEY_SUFFIXES = ['link', 'url', 'uri', 'href'];
const LINK_SECRET_HINTS = ['reset', 'recover', 'activat', 'onetime', 'magic', 'enrol', 'invite', 'verif', 'temp', 'signin', 'login'];

/** URL parts that show it carries a credential: Okta `/signin/reset-password/<token>`, `?token=`, `?code=`… */
const SECRET_URL_PATTERN = /reset|recover|activat|one-?time|magic|passw|token|[?&](code|key|sig|signature|otp|secret)=/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"')\]]+/gi;
const JWT_PATTERN = /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*$/;
const AUTH_HEADER_PATTERN = /^(bearer|basic|ssws)\s+\S+/i;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Returns a deep copy of `params` with secret-looking fields masked, for the audit log (invariant 6:
 * secrets never reach logs or audit). Masks by key name (password, token, resetPasswordUrl, tempPassword,
 * *Link…) and by value (JWTs, Authorization headers, private keys, reset-style URLs — also inside free text),
 * because adapters name their fields differently and a missed key must not leak a live reset link.
 * Over-redaction is the accepted failure mode.
 */
export function redactForAudit<T>(params: T): T {
  return redactValue(params, undefined, new WeakSet<object>()) as T;
}

function redactValue(value: unknown, key: string | undefined, seen: WeakSet<object>): unknown {
  if (key !== undefined && isSecretKey(key, value)) return value === undefined ? undefined : REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, undefined, seen));
    const out: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) out[childKey] = redactValue(child, childKey, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function isSecretKey(rawKey: string, value: unknown): boolean {
  const key = rawKey.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_KEY_EXACT.has(key)) return true;
  if (SECRET_KEY_FRAGMENTS.some((fragment) => key.includes(fragment))) return true;
  if (LINK_KEY_SUFFIXES.some((suffix) => key.endsWith(suffix))) {
    if (key.endsWith('link')) return true;
    if (LINK_SECRET_HINTS.some((hint) => key.includes(hint))) return true;
    if (typeof value === 'string' && SECRET_URL_PATTERN.test(value)) return true;
  }
  return false;
}

function redactString(value: string): string {
  const trimmed = value.trim();
  if (JWT_PATTERN.test(trimmed) || AUTH_HEADER_PATTERN.test(trimmed) || PEM_PRIVATE_KEY.test(value)) return REDACTED;
  return value.replace(URL_IN_TEXT, (url) => (SECRET_URL_PATTERN.test(url) ? REDACTED : url));
}
