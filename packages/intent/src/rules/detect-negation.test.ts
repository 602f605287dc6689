import { detectNegation } from './detect-negation';

describe('detectNegation', () => {
  it('finds the negated action and what is left of the message', () => {
    const n = detectNegation("I don't need a reset, just tell me how to change it myself");
    expect(n).toMatchObject({ negated: true, topic: 'password_reset', wantsGuidance: true });
    expect(n.remainder).toContain('tell me how to change it myself');
    expect(n.remainder).not.toContain('reset');
  });

  it.each(["I can't log in", "I don't remember my password", "my MFA doesn't work", "I didn't get the code", "Figma won't open"])(
    'does not treat the symptom "%s" as a negation',
    (text) => {
      expect(detectNegation(text).negated).toBe(false);
    },
  );

  it('notices a withdrawn request', () => {
    expect(detectNegation('I no longer need the unlock')).toMatchObject({ negated: true, topic: 'account_unlock', withdrawn: true });
  });
});
