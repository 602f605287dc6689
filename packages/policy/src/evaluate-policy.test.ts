import type { IdpUser, PolicyFacts } from '@keyward/core';
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from './load-policy';

const policy = loadPolicy();

function user(overrides: Partial<IdpUser> = {}): IdpUser {
  return { id: '00u1', login: 'alice', email: 'alice@example.com', displayName: 'Alice', status: 'ACTIVE', attributes: {}, ...overrides };
}

function facts(overrides: Partial<PolicyFacts> = {}): PolicyFacts {
  const requester = user();
  return {
    action: 'password_reset',
    requester,
    target: requester,
    targetAdminRoles: [],
    targetGroups: [{ id: 'g1', name: 'Everyone' }],
    selfService: true,
    compromiseSuspected: false,
    ...overrides,
  };
}

describe('default policy', () => {
  it.each(['password_reset', 'account_unlock', 'session_revoke'] as const)('allows self-service %s with a push for a normal employee', (action) => {
    const decision = policy.evaluate(facts({ action }));
    expect(decision).toMatchObject({ outcome: 'allow', band: 'low', verification: 'push', rule: `self-service:${action}` });
    expect(decision.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a self-service reset when the target holds an admin role', () => {
    const decision = policy.evaluate(facts({ targetAdminRoles: ['SUPER_ADMIN'] }));
    expect(decision).toMatchObject({ outcome: 'refuse', rule: 'privileged-target', band: 'critical', verification: 'none' });
  });

  it('refuses a self-service reset when the target is in a privileged group', () => {
    const decision = policy.evaluate(facts({ targetGroups: [{ id: 'g9', name: 'Domain Admins' }] }));
    expect(decision.outcome).toBe('refuse');
    expect(decision.rule).toBe('privileged-target');
  });

  it('matches privileged groups after NFKC and confusable folding', () => {
    // Full-width D and Cyrillic А: renders as "Domain Admins" but differs byte for byte.
    const decision = policy.evaluate(facts({ targetGroups: [{ id: 'g9', name: 'Ｄomain-Аdmins' }] }));
    expect(decision.rule).toBe('privileged-target');
  });

  it('refuses executives identified by attribute', () => {
    const target = user({ attributes: { title: 'cfo' } });
    expect(policy.evaluate(facts({ requester: target, target })).rule).toBe('privileged-target');
  });

  it('refuses when the target is not the requester', () => {
    const decision = policy.evaluate(facts({ target: user({ id: '00u2', login: 'bob' }), selfService: true }));
    expect(decision).toMatchObject({ outcome: 'refuse', rule: 'self-service-target-only' });
    expect(policy.evaluate(facts({ selfService: false })).rule).toBe('self-service-target-only');
  });

  it('refuses privileged access outright', () => {
    expect(policy.evaluate(facts({ action: 'privileged_access_request' }))).toMatchObject({ outcome: 'refuse', band: 'critical' });
  });

  it.each(['mfa_reset', 'group_membership_add', 'app_access_request', 'conditional_access_change'] as const)('escalates %s to the helpdesk', (action) => {
    expect(policy.evaluate(facts({ action })).outcome).toBe('escalate');
  });

  it('refuses suspended accounts', () => {
    const target = user({ status: 'SUSPENDED' });
    expect(policy.evaluate(facts({ requester: target, target })).rule).toBe('target-status-blocked');
  });

  it('reports the push rate limit and hash of the file', () => {
    expect(policy.pushRateLimit).toEqual({ limit: 3, windowMs: 15 * 60_000 });
    expect(policy.hash).toBe(parsePolicy(readFileSync(DEFAULT_POLICY_FILE, 'utf8'), 'x').hash);
  });
});

describe('policy validation', () => {
  it('rejects a bad file with every problem listed', () => {
    const text = readFileSync(DEFAULT_POLICY_FILE, 'utf8').replace('limit: 3', 'limit: 0').replace('confidenceThreshold: 0.6', 'confidenceThreshold: 7');
    expect(() => parsePolicy(text, 'bad.yaml')).toThrow(/stepUp\.push\.rateLimit\.limit[\s\S]*classifier\.confidenceThreshold/);
  });

  it('rejects unknown keys and invalid YAML', () => {
    expect(() => parsePolicy('version: x\nfoo: [', 'bad.yaml')).toThrow(/not valid YAML/);
    const text = readFileSync(DEFAULT_POLICY_FILE, 'utf8') + '\nsuperuser: true\n';
    expect(() => parsePolicy(text, 'bad.yaml')).toThrow(/invalid/);
  });

  it('names a missing file', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(/Cannot read policy file/);
  });
});
