import path from 'node:path';
import { readLabelledRows } from '../labelled-rows';
import { detectTarget } from './detect-target';
import { extractSlots } from './extract-slots';

const target = (text: string): string | undefined => extractSlots(text).target;

describe('detectTarget: someone other than the sender', () => {
  it.each([
    // "<thing> reset/unlock for <name>", abbreviations.
    ['password reset for bob', 'bob'],
    ['mfa reset for bob', 'bob'],
    ['account unlock for Bob Tester please', 'Bob Tester'],
    ['reset pwd for bob', 'bob'],
    ['pw reset for bob', 'bob'],
    ['passwd for bob please', 'bob'],
    ['can you do a reset for Ahmed', 'Ahmed'],
    ['I need Figma for bob', 'bob'],
    // On behalf of.
    ['reset password on behalf of bob', 'bob'],
    ['unlock the account on behalf of my manager', 'my manager'],
    ["reset the password on Bob's behalf", 'Bob'],
    // give/grant <app|access> to <name>; a reset link sent to someone.
    ['give Figma to bob', 'bob'],
    ['grant access to Élodie', 'Élodie'],
    ['grant Salesforce to Bob Tester', 'Bob Tester'],
    ['send the reset link to bob', 'bob'],
    // <verb> <name> out (everywhere).
    ['sign bob out everywhere', 'bob'],
    ['log bob out', 'bob'],
    ['kick Bob Tester out of all sessions', 'Bob Tester'],
    ['sign out Łukasz everywhere', 'Łukasz'],
    ['take sarah off design-team', 'sarah'],
    // A name as the subject of a need or a problem.
    ['bob needs a password reset', 'bob'],
    ['hi, Élodie needs Figma', 'Élodie'],
    ["Ngozi can't sign in", 'Ngozi'],
    ['bob got locked out', 'bob'],
    ['Sarah forgot her password', 'Sarah'],
    ["bob's locked out", 'bob'],
    ['can sarah get Figma', 'sarah'],
    ['my team needs Figma', 'my team'],
    ['my direct reports need Figma', 'my direct reports'],
    ['the new hire needs a laptop login', 'the new hire'],
    ["contractor can't log in", 'contractor'],
    // "my X and <name>'s", possessives.
    ["reset my password and bob's", 'bob'],
    ["reset mine and Øyvind's too", 'Øyvind'],
    ["reset my and sarah's passwords", 'sarah'],
    ["please reset Zoë's password", 'Zoë'],
    ["reset Élodie's work laptop login", 'Élodie'],
    // A person noun followed by a name, a login or a staff number.
    ['reset password for user bob', 'bob'],
    ['unlock colleague Øyvind', 'Øyvind'],
    ['for my colleague Bob please reset the password', 'Bob'],
    ['reset the password of user j.doe', 'j.doe'],
    ['reset password for employee 40213', '40213'],
    // The apostrophe left out; a follow-up that only names the person.
    ['reset bob password', 'bob'],
    ['same for sarah', 'sarah'],
    ['and for sarah too', 'sarah'],
    ['log in as bob', 'bob'],
    ['reset password bob', 'bob'],
    ['reset password - user: bob', 'bob'],
    ['the user is bob', 'bob'],
    ['the password belongs to bob', 'bob'],
    ['help bob reset his password', 'bob'],
    ['reset password for @bob', 'bob'],
    ['reset password for "bob"', 'bob'],
    ['reset CFO password', 'CFO'],
    // Names outside ASCII.
    ['reset password for Élodie', 'Élodie'],
    ['reset password for Øyvind', 'Øyvind'],
    ['unlock Łukasz', 'Łukasz'],
    ['reset password for José García', 'José García'],
    ['Siobhán is locked out', 'Siobhán'],
    ['reset the password for Дмитрий', 'Дмитрий'],
    ['reset password for 王伟', '王伟'],
    // Hyphenated names are capitalised; long -ly names still count after "for".
    ['reset password for Jean-Luc', 'Jean-Luc'],
    ['reset password for Kimberly', 'Kimberly'],
    // Pronouns and groups of people.
    ["I'm Bob's assistant, reset his password", 'his'],
    ['she needs a new MFA enrolment', 'she'],
    ['unlock him', 'him'],
    ['reset their passwords', 'their'],
    ['reset passwords for everyone', 'everyone'],
    ['add them to design-team', 'them'],
    ['bob asked me to get him Figma', 'him'],
  ])('finds the third party in "%s" (%s)', (text, expected) => {
    expect(target(text)).toBe(expected);
  });

  it.each([
    'reset my password for work',
    'reset my password for security reasons',
    'I need Figma for the design review',
    'I need Figma for client work',
    'I need access for the quarterly report',
    'I need Figma for the team project',
    'sign me out everywhere',
    'log me out',
    'log me off everywhere',
    'kick me out of all sessions',
    'give me access to design-team',
    'grant access to design-team',
    'grant access to Domain Admins',
    'add me to design-team for my project',
    'password reset for me',
    'mfa reset for my new phone',
    'MFA reset for my replacement phone',
    'reset it for me',
    'reset my temp password',
    'reset expired password',
    'give read access to the repo',
    'my manager said I need Figma',
    'my manager needs to approve it',
    'my manager wants me to join design-team',
    'still waiting for my manager to approve',
    'thanks for the help, reset my password',
    'on behalf of myself',
    'I recently lost my phone',
    'Totally forgot my password',
    'oops forgot my password',
    'my user is locked, can you fix it',
    'my account got locked',
    'users can\'t log in',
    'sign in as usual',
    'can I get Figma',
    'could this be reset',
    'take me off design-team',
    "what's for lunch?",
    'uh password reset help please',
    'my MFA factors are broken, reset them',
    'user is locked out',
    'reset user password',
    'unlock my account urgently',
    'reset password please',
    // The sender naming themself: the action binds to the chat-verified identity, not to the claim.
    "unlock me please, I'm Bob",
    'my username is Bob',
    'please reset my password, thanks Bob',
    'unlock my account. Cheers, Sarah',
    'Hi, this is Élodie, I forgot my password',
    'Hi it\'s Øyvind, reset my password please',
  ])('finds no third party in the own request "%s"', (text) => {
    expect(target(text)).toBeUndefined();
  });

  it('does not read the group, app or role the text names as a person', () => {
    expect(detectTarget('grant access to Hermes Readers')).toBe('Hermes Readers');
    expect(detectTarget('grant access to Hermes Readers', ['Hermes Readers'])).toBeUndefined();
    expect(detectTarget('grant access to Hermes Readers', ['hermes readers group'])).toBeUndefined();
  });
});

/**
 * Every own request the project wrote must stay free of a target: a false find escalates a plain
 * request to the helpdesk. Rows that really do name someone else are listed with what they name.
 */
describe("detectTarget on the project's own rows", () => {
  const files = ['train.jsonl', 'heldout.jsonl'].map((f) => path.resolve(__dirname, '../../data', f));
  const rows = files.flatMap((file) => readLabelledRows(file).map((r) => ({ file: path.basename(file), text: r.text })));
  const NAMING_SOMEONE_ELSE: ReadonlyMap<string, string> = new Map([
    // "their admin access" is the IT manager's: someone else's, and privileged besides.
    ["I'm covering for the IT manager, I need their admin access", 'their'],
  ]);

  it('reads both files', () => {
    expect(rows.length).toBeGreaterThan(700);
  });

  it('finds no third party in any row that names no one else', () => {
    const flagged = rows
      .filter((r) => !NAMING_SOMEONE_ELSE.has(r.text))
      .map((r) => ({ ...r, target: target(r.text) }))
      .filter((r) => r.target !== undefined);
    expect(flagged).toEqual([]);
  });

  it('still finds the person in the rows that name someone else', () => {
    for (const [text, expected] of NAMING_SOMEONE_ELSE) {
      expect({ text, present: rows.some((r) => r.text === text), target: target(text) }).toEqual({ text, present: true, target: expected });
    }
  });
});
