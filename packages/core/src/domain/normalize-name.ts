/**
 * Folds a name for comparison with privileged lists (invariant 7): NFKC (full-width and ligature
 * forms), confusable letters from Cyrillic/Greek that render like Latin, case, and separators —
 * so "Ｄomain-Аdmins" (full-width D, Cyrillic А) still matches "Domain Admins".
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ł: 'l', ø: 'o', '0': 'o', '1': 'l', '|': 'l',
};

export function normalizeName(value: string): string {
  const lowered = value.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of lowered) out += CONFUSABLES[ch] ?? ch;
  // Strip combining marks left after decomposition (e.g. "ádmins").
  out = out.normalize('NFKD').replace(/\p{M}+/gu, '');
  // Zero-width characters and separators never distinguish two group names: "Domain\u200bAdmins",
  // "domain_admins" and "Domain Admins" are one name.
  return out.replace(/[\u200b-\u200f\u2060\ufeff\s_\-.]+/g, '');
}
