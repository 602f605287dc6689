import { foldConfusables, normalizeName } from './normalize-name';

describe('normalizeName', () => {
  it('folds case, separators, width, confusables, marks and zero-width characters', () => {
    const expected = 'domainadmins';
    expect(normalizeName('Domain Admins')).toBe(expected);
    expect(normalizeName('domain_admins')).toBe(expected);
    expect(normalizeName('ＤＯＭＡＩＮ ＡＤＭＩＮＳ')).toBe(expected);
    expect(normalizeName('Dоmаin Admins')).toBe(expected); // Cyrillic о and а
    expect(normalizeName('Dómain\u200bAdmins ')).toBe(expected);
    expect(normalizeName('design-team')).not.toBe(expected);
  });
});

describe('foldConfusables: disguised Latin reads as Latin before slots are extracted', () => {
  it.each([
    ['add me to Ｄomain Аdmins', 'add me to Domain Admins'], // full-width D, Cyrillic А
    ['add me to D\u03bfmain Admins', 'add me to Domain Admins'], // Greek ο
    ['add me to Super\u00adAdmins', 'add me to SuperAdmins'], // soft hyphen
    ['add me to Domain\u200cAdmins', 'add me to DomainAdmins'], // ZWNJ
    ['add me to \u13a0omainAdmins', 'add me to DomainAdmins'], // Cherokee Ꭰ
    ['F\u0456gma', 'Figma'],
  ])('folds %j', (text, expected) => {
    expect(foldConfusables(text)).toBe(expected);
  });

  it('leaves words of another script alone', () => {
    expect(foldConfusables('сбросить пароль')).toBe('сбросить пароль');
    expect(foldConfusables('καλημέρα')).toBe('καλημέρα');
  });

  it('normalizeName folds the same disguises', () => {
    for (const name of ['Super\u00adAdmins', '\u13a0omainAdmins', 'Domain\u200cAdmins']) expect(normalizeName(name)).toMatch(/^(?:super|domain)admins$/);
  });
});
