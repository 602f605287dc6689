import { randomInt } from 'node:crypto';

// Unambiguous characters (no 0/O, 1/l/I) so a person can type what the modal shows.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!@#$%^&*-_=+?';
const ALL = UPPER + LOWER + DIGITS + SYMBOLS;

/**
 * A temporary password that meets Entra ID's complexity rule (8–256 characters, three of four
 * classes; learn.microsoft.com "Password policies and account restrictions"): 16 characters from a
 * CSPRNG, at least one of each class, shuffled. It only has to survive one sign-in, where
 * forceChangePasswordNextSignIn makes the user choose their own.
 */
export function generateTemporaryPassword(length = 16): string {
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map((set) => set[randomInt(set.length)] as string);
  while (chars.length < length) chars.push(ALL[randomInt(ALL.length)] as string);
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
