import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from './load-policy';

const DEFAULT_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
const MESSAGES_BLOCK = /^messages:\n(?:[ #].*\n)+/m;
const HELPDESK_FLOOD_LINE = /^helpdeskFlood: .*\n/m;

/** The default file as a policy written before flood control existed: neither field present. */
function withoutFloodControl(): string {
  expect(DEFAULT_TEXT).toMatch(MESSAGES_BLOCK);
  expect(DEFAULT_TEXT).toMatch(HELPDESK_FLOOD_LINE);
  return DEFAULT_TEXT.replace(MESSAGES_BLOCK, '').replace(HELPDESK_FLOOD_LINE, '');
}

describe('flood control in the policy file', () => {
  it('reads the per-user message limit from the default file', () => {
    expect(loadPolicy().messageRateLimit).toEqual({ limit: 20, windowMs: 60_000 });
  });

  it('reads the helpdesk flood limit from the default file', () => {
    expect(loadPolicy().helpdeskFlood).toEqual({ limit: 5, windowMs: 10 * 60_000 });
  });

  it('reads other values than the defaults', () => {
    const text = DEFAULT_TEXT.replace('rateLimit: { limit: 20, windowMinutes: 1 }', 'rateLimit: { limit: 7, windowMinutes: 2 }').replace(
      'helpdeskFlood: { limit: 5, windowMinutes: 10 }',
      'helpdeskFlood: { limit: 3, windowMinutes: 30 }',
    );
    const policy = parsePolicy(text, 'custom.yaml');
    expect(policy.messageRateLimit).toEqual({ limit: 7, windowMs: 2 * 60_000 });
    expect(policy.helpdeskFlood).toEqual({ limit: 3, windowMs: 30 * 60_000 });
  });

  it('defaults the message limit to 20 per minute when a file does not have it (older files keep loading)', () => {
    const text = withoutFloodControl();
    expect(text).not.toMatch(/^messages:/m);
    expect(parsePolicy(text, 'old.yaml').messageRateLimit).toEqual({ limit: 20, windowMs: 60_000 });
  });

  it('defaults the helpdesk flood limit to 5 per 10 minutes when a file does not have it', () => {
    const text = withoutFloodControl();
    expect(text).not.toMatch(/^helpdeskFlood:/m);
    expect(parsePolicy(text, 'old.yaml').helpdeskFlood).toEqual({ limit: 5, windowMs: 10 * 60_000 });
  });

  it('rejects a zero limit, naming the line and field', () => {
    const text = DEFAULT_TEXT.replace('helpdeskFlood: { limit: 5,', 'helpdeskFlood: { limit: 0,').replace('rateLimit: { limit: 20,', 'rateLimit: { limit: 0,');
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(() => parsePolicy(text, 'bad.yaml')).toThrow(
      new RegExp(`line ${lineOf('rateLimit: { limit: 0,')}, messages\\.rateLimit\\.limit[\\s\\S]*line ${lineOf('helpdeskFlood: { limit: 0,')}, helpdeskFlood\\.limit`),
    );
  });
});
