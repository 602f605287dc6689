/**
 * A deliberately tiny suffix stripper. It only has to map the inflections people type in this
 * domain ("resetting", "locked", "passwords", "revoked") onto one feature; it is applied to the
 * training text and to the message alike, so imperfect stems ("lock" vs "lock") cost nothing.
 */
const KEEP = new Set(['access', 'status', 'always', 'process', 'address', 'yes', 'this', 'is', 'was', 'has', 'does', 'its', 'us', 'plus', 'bus', 'gas', 'less', 'news', 'alias', 'please', 'abroad', 'need', 'speed', 'feed']);

export function stemToken(token: string): string {
  if (token.length <= 3 || KEEP.has(token) || /[0-9_-]/.test(token)) return token;
  let t = token;
  if (t.endsWith('ies') && t.length > 4) t = `${t.slice(0, -3)}y`;
  else if (t.endsWith('sses')) t = t.slice(0, -2);
  else if (t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) t = t.slice(0, -1);
  if (t.endsWith('ing') && t.length > 5) t = t.slice(0, -3);
  else if (t.endsWith('ed') && t.length > 4) t = t.slice(0, -2);
  // "resett" (from "resetting") and "lock" / "unlock" style doubles collapse to one consonant.
  if (/([b-df-hj-np-tv-z])\1$/.test(t) && !t.endsWith('ll') && !t.endsWith('ss')) t = t.slice(0, -1);
  return t;
}
