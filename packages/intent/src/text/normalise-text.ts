/**
 * Turns chat text into a canonical lower-case string the models can share vocabulary over.
 * Canonicalisation matters more than model choice with a few hundred training rows: "pwd",
 * "pass word" and "passwd" must all become one feature or the model sees three rare words.
 */

/** Contractions are expanded so that negation cues ("do not") look the same however they were typed. */
const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bdon'?t\b/g, 'do not'],
  [/\bdoesn'?t\b/g, 'does not'],
  [/\bdidn'?t\b/g, 'did not'],
  [/\bisn'?t\b/g, 'is not'],
  [/\baren'?t\b/g, 'are not'],
  [/\bwasn'?t\b/g, 'was not'],
  [/\bhaven'?t\b/g, 'have not'],
  [/\bhasn'?t\b/g, 'has not'],
  [/\bcouldn'?t\b/g, 'could not'],
  [/\bshouldn'?t\b/g, 'should not'],
  [/\bwouldn'?t\b/g, 'would not'],
  [/\bi'm\b/g, 'i am'],
  [/\bim\b/g, 'i am'],
  [/\bi've\b/g, 'i have'],
  [/\bi'd\b/g, 'i would'],
  [/\bi'll\b/g, 'i will'],
  [/\b(what|that|it|there|who|where|how|here)'?s\b/g, '$1 is'],
  [/\b(you|we|they)'re\b/g, '$1 are'],
  [/\bwanna\b/g, 'want to'],
  [/\bgonna\b/g, 'going to'],
  [/\bgimme\b/g, 'give me'],
  [/\blemme\b/g, 'let me'],
];

/**
 * Domain synonyms folded to one token. Multi-word forms come first so that "log me out" is
 * folded before "log" alone could be read as a noun.
 */
const SYNONYMS: readonly [RegExp, string][] = [
  [/\b(pass ?words?|passwds?|passwrds?|pwds?|pw|passcodes?|pass)\b/g, 'password'],
  [/\b(multi[- ]?factor|two[- ]?factor|2[- ]?fa|2[- ]?step|two[- ]?step|mfa|otp|totp|authenticator( app)?|okta verify|microsoft authenticator|google authenticator|duo( mobile)?|second factor|verification codes?|security keys?|yubikeys?)\b/g, ' mfa '],
  [/\b(log|sign|logged|signed|kick|kicked)[- ]?(me )?(out|off)\b/g, ' signout '],
  [/\b(log|sign)[- ]?(in|on)s?(to)?\b/g, ' login '],
  [/\blogins?\b/g, 'login'],
  [/\b(signin|signon|sso)\b/g, 'login'],
  [/\bacc(t|ount)s?\b/g, 'account'],
  [/\b(pls|plz|plss|pleas|pleaze)\b/g, 'please'],
  [/\bu\b/g, 'you'],
  [/\bur\b/g, 'your'],
  [/\br\b/g, 'are'],
  [/\b(thx|thanks|thank you|ty)\b/g, 'thanks'],
  [/\b(cell ?phone|mobile phone|smart ?phone|iphone|android|handset|mobile)\b/g, 'phone'],
  [/\b(laptops?|notebooks?|macbooks?|computers?|pcs?|desktops?)\b/g, 'laptop'],
  [/\b(e-?mails?|inbox)\b/g, 'email'],
  [/\b(administrator|admins)\b/g, 'admin'],
  [/\blocked[- ]?out\b/g, 'lockedout'],
];

export function normaliseText(text: string): string {
  // NFKC folds full-width and compatibility characters ("ｒｅｓｅｔ") into plain ones.
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/[\u2018\u2019\u02bc`´]/g, "'");
  // Elongated letters ("helllllooo", "pleeeease") carry tone, not meaning.
  s = s.replace(/([a-z])\1{2,}/g, '$1$1');
  for (const [pattern, replacement] of CONTRACTIONS) s = s.replace(pattern, replacement);
  s = s.replace(/n't\b/g, ' not');
  // Keep letters, digits, hyphen and underscore inside words; everything else separates.
  s = s.replace(/[^a-z0-9\s_-]+/g, ' ').replace(/(^|\s)[-_]+|[-_]+(?=\s|$)/g, ' ');
  for (const [pattern, replacement] of SYNONYMS) s = s.replace(pattern, replacement);
  return s.replace(/\s+/g, ' ').trim();
}

export function tokenise(normalised: string): string[] {
  return normalised.length === 0 ? [] : normalised.split(' ');
}
