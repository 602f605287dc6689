import { normalizeName } from './normalize-name';

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
