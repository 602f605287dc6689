/**
 * Folds a name for comparison with privileged lists (invariant 7): NFKC (full-width and ligature
 * forms), confusable letters from Cyrillic/Greek/Cherokee that render like Latin, case, invisible
 * (default-ignorable) characters and separators — so "Ｄomain-Аdmins" (full-width D, Cyrillic А)
 * still matches "Domain Admins".
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ł: 'l', ø: 'o', '0': 'o', '1': 'l', '|': 'l',
};

/**
 * Letters of other scripts drawn like Latin ones, case kept (Unicode confusables): Cyrillic, Greek
 * and Cherokee capitals and small letters. Used on whole messages before slots are read.
 */
const LOOKALIKE_LETTERS: Record<string, string> = {
  // Cyrillic
  А: 'A', В: 'B', Е: 'E', Ё: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ї: 'I', Ј: 'J', Ѕ: 'S', Ԁ: 'D', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'I',
  а: 'a', е: 'e', ё: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h', ԍ: 'G', ɡ: 'g',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  α: 'a', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Cherokee
  Ꭰ: 'D', Ꭱ: 'R', Ꭲ: 'T', Ꭵ: 'i', Ꭹ: 'Y', Ꭺ: 'A', Ꭻ: 'J', Ꭼ: 'E', Ꮃ: 'W', Ꮇ: 'M', Ꮋ: 'H', Ꮍ: 'Y', Ꮐ: 'G', Ꮒ: 'h', Ꮓ: 'Z', Ꮟ: 'b', Ꮢ: 'R', Ꮤ: 'W', Ꮥ: 'S', Ꮩ: 'V',
  Ꮪ: 'S', Ꮮ: 'L', Ꮯ: 'C', Ꮲ: 'P', Ꮶ: 'K', Ꮷ: 'd', Ᏼ: 'B',
  // Latin-adjacent
  ı: 'i', ȷ: 'j',
};

/**
 * Default-ignorable code points (Unicode DerivedCoreProperties): soft hyphen, combining grapheme
 * joiner, zero-width characters and joiners, bidi marks, word joiner and invisible operators,
 * Hangul fillers, variation selectors, BOM, tags. They render as nothing and never distinguish names.
 */
const DEFAULT_IGNORABLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/gu;

/** Removes characters that render as nothing (soft hyphen, zero-width joiners, variation selectors…). */
export function stripDefaultIgnorable(value: string): string {
  return value.replace(DEFAULT_IGNORABLE, '');
}

/**
 * Folds a whole message so look-alike spellings read as the Latin words they imitate, before slots
 * are extracted or names compared (invariant 7): NFKC ("Ｄomain" → "Domain"), default-ignorable code
 * points removed ("Super\u00adAdmins" → "SuperAdmins"), and, in each word that would become all-Latin,
 * Cyrillic/Greek/Cherokee look-alikes replaced ("Dοmain", "ᎠomainAdmins"). Case is kept. A word in
 * another script (a Russian "пароль") keeps its letters: only disguised Latin is folded.
 */
export function foldConfusables(value: string): string {
  const visible = stripDefaultIgnorable(value.normalize('NFKC'));
  return visible.replace(/[\p{L}\p{M}\p{N}]+/gu, (word) => {
    let folded = '';
    for (const ch of word) folded += LOOKALIKE_LETTERS[ch] ?? ch;
    if (folded === word) return word;
    return /^[\p{Script=Latin}\p{M}\p{N}]+$/u.test(folded) ? folded : word;
  });
}

export function normalizeName(value: string): string {
  const lowered = foldConfusables(value).toLowerCase();
  let out = '';
  for (const ch of lowered) out += CONFUSABLES[ch] ?? ch;
  // Strip combining marks left after decomposition (e.g. "ádmins").
  out = out.normalize('NFKD').replace(/\p{M}+/gu, '');
  // Zero-width characters and separators never distinguish two group names: "Domain\u200bAdmins",
  // "domain_admins" and "Domain Admins" are one name.
  return out.replace(/[\u200b-\u200f\u2060\ufeff\s_\-.]+/g, '');
}
