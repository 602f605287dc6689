import { createTypoCorrector, editDistance } from './typo-corrector';

describe('typo corrector', () => {
  const corrector = createTypoCorrector(new Map([['password', 10], ['hello', 3], ['help', 9], ['unlock', 4], ['account', 6], ['add', 5]]));

  it('measures adjacent swaps as one edit', () => {
    expect(editDistance('pasword', 'password')).toBe(1);
    expect(editDistance('unlcok', 'unlock')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('fixes dropped, swapped and extra letters', () => {
    expect(corrector.correct('pasword')).toBe('password');
    expect(corrector.correct('passwrod')).toBe('password');
    expect(corrector.correct('unlcok')).toBe('unlock');
    expect(corrector.correct('acount')).toBe('account');
  });

  it('prefers a dropped letter over a substitution at equal distance', () => {
    expect(corrector.correct('helo')).toBe('hello');
  });

  it('never turns a three-letter token into another word by substitution', () => {
    expect(corrector.correct('asd')).toBe('asd');
    expect(corrector.correct('hep')).toBe('help');
  });

  it('leaves far-off words, numbers and identifiers alone', () => {
    expect(corrector.correct('lunch')).toBe('lunch');
    expect(corrector.correct('4821')).toBe('4821');
    expect(corrector.correct('design-team')).toBe('design-team');
  });
});
