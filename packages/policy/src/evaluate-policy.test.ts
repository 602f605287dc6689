import type { IdpUser, PolicyFacts } from '@keyward/core';
import { readFileSync } from 'node:fs';
import { REFUSAL_MESSAGE } from './evaluate-policy';
import { DEFAULT_POLICY_FILE, loadPolicy, parsePolicy } from './load-policy';

const policy = loadPolicy();
const DEFAULT_TEXT = readFileSync(DEFAULT_POLICY_FILE, 'utf8');

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
    requesterRisk: 'none',
    recentActions: 1,
    noUsableFactor: false,
    ...overrides,
  };
}

const designTeam = { kind: 'group' as const, id: '00g1', name: 'design-team', ownerEmail: 'frank@example.com' };
const figma = { kind: 'app' as const, id: '0oa1', name: 'Figma', ownerEmail: 'grace@example.com' };

describe('default policy: bands and approvals', () => {
  it.each(['password_reset', 'account_unlock', 'session_revoke'] as const)('allows %s with a push and no approver (low band)', (action) => {
    const decision = policy.evaluate(facts({ action }));
    expect(decision).toMatchObject({ outcome: 'allow', band: 'low', verification: 'push', approvers: [], rule: `self-service:${action}` });
    expect(decision.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('asks the manager to approve a requestable group, after a push (medium band)', () => {
    expect(policy.evaluate(facts({ action: 'group_membership_add', resource: designTeam }))).toMatchObject({
      outcome: 'allow', band: 'medium', verification: 'push', approvers: ['manager'], maxDurationDays: 180,
    });
  });

  it('lets a user leave a group with a push only (low band)', () => {
    expect(policy.evaluate(facts({ action: 'group_membership_remove', resource: designTeam }))).toMatchObject({ outcome: 'allow', band: 'low', approvers: [] });
  });

  it('asks manager then app owner for application access', () => {
    expect(policy.evaluate(facts({ action: 'app_access_request', resource: figma }))).toMatchObject({
      outcome: 'allow', approvers: ['manager', 'app_owner'], approvalMode: 'sequential', maxDurationDays: 365,
    });
  });

  it('sends a conditional-access exception to a helpdesk admin who must pass a step-up (high band)', () => {
    expect(policy.evaluate(facts({ action: 'conditional_access_change' }))).toMatchObject({
      outcome: 'allow', band: 'high', approvers: ['helpdesk_admin'], approverStepUp: true, maxDurationDays: 14,
    });
  });

  it('resets MFA after a push on a remaining factor, and with none left needs manager attestation plus a helpdesk admin', () => {
    expect(policy.evaluate(facts({ action: 'mfa_reset' }))).toMatchObject({ outcome: 'allow', verification: 'push', approvers: [] });
    expect(policy.evaluate(facts({ action: 'mfa_reset', noUsableFactor: true }))).toMatchObject({
      outcome: 'allow', verification: 'none', approvers: ['manager', 'helpdesk_admin'], rule: 'self-service:mfa_reset:attestation',
    });
  });
});

describe('default policy: refusal patterns', () => {
  it('refuses a self-service reset when the target holds an admin role', () => {
    const decision = policy.evaluate(facts({ targetAdminRoles: ['SUPER_ADMIN'] }));
    expect(decision).toMatchObject({ outcome: 'refuse', rule: 'privileged-target', band: 'critical', verification: 'none' });
  });

  it('refuses a self-service reset when the target is in a privileged group', () => {
    expect(policy.evaluate(facts({ targetGroups: [{ id: 'g9', name: 'Domain Admins' }] })).rule).toBe('privileged-target');
  });

  it('matches privileged groups after NFKC and confusable folding', () => {
    // Full-width D and Cyrillic А: renders as "Domain Admins" but differs byte for byte.
    expect(policy.evaluate(facts({ targetGroups: [{ id: 'g9', name: 'Ｄomain-Аdmins' }] })).rule).toBe('privileged-target');
  });

  it('refuses a privileged group as the requested resource, even if it slipped into a request', () => {
    const decision = policy.evaluate(facts({ action: 'group_membership_add', resource: { kind: 'group', id: 'g9', name: 'Dоmain Admins' } }));
    expect(decision.rule).toBe('privileged-target');
  });

  it('refuses executives identified by attribute', () => {
    const target = user({ attributes: { title: 'cfo' } });
    expect(policy.evaluate(facts({ requester: target, target })).rule).toBe('privileged-target');
  });

  it('refuses when the target is not the requester', () => {
    expect(policy.evaluate(facts({ target: user({ id: '00u2', login: 'bob' }) })).rule).toBe('self-service-target-only');
    expect(policy.evaluate(facts({ selfService: false })).rule).toBe('self-service-target-only');
  });

  it('refuses privileged access outright', () => {
    expect(policy.evaluate(facts({ action: 'privileged_access_request' }))).toMatchObject({ outcome: 'refuse', band: 'critical' });
  });

  it('refuses suspended accounts', () => {
    const target = user({ status: 'SUSPENDED' });
    expect(policy.evaluate(facts({ requester: target, target })).rule).toBe('target-status-blocked');
  });

  it.each(['medium', 'high'] as const)('refuses when the IdP rates the requester %s risk', (risk) => {
    expect(policy.evaluate(facts({ requesterRisk: risk })).rule).toBe('risk-signal');
  });

  it.each(['none', 'low', 'unknown'] as const)('does not refuse on %s risk', (risk) => {
    expect(policy.evaluate(facts({ requesterRisk: risk })).outcome).toBe('allow');
  });

  it('refuses actions outside the policy for the requester population', () => {
    const contractor = user({ attributes: { employeeType: 'Contractor' } });
    const decision = policy.evaluate(facts({ action: 'app_access_request', resource: figma, requester: contractor, target: contractor }));
    expect(decision.rule).toBe('population:contractors');
    expect(policy.evaluate(facts({ requester: contractor, target: contractor })).outcome).toBe('allow');
  });

  it('refuses on velocity even when each action alone would pass', () => {
    expect(policy.evaluate(facts({ recentActions: 5 })).outcome).toBe('allow');
    expect(policy.evaluate(facts({ recentActions: 6 })).rule).toBe('velocity');
  });

  it('refuses a group or app action without a catalogue resource', () => {
    expect(policy.evaluate(facts({ action: 'group_membership_add' })).rule).toBe('resource-not-requestable');
    expect(policy.evaluate(facts({ action: 'app_access_request', resource: designTeam })).rule).toBe('resource-not-requestable');
  });

  it('gives one non-revealing reply for every refusal', () => {
    const refusals = [
      facts({ targetAdminRoles: ['ORG_ADMIN'] }),
      facts({ requesterRisk: 'high' }),
      facts({ recentActions: 99 }),
      facts({ selfService: false }),
      facts({ action: 'privileged_access_request' }),
    ].map((f) => policy.evaluate(f));
    for (const decision of refusals) expect(decision.userMessage).toBe(REFUSAL_MESSAGE);
  });

  it('reports the push rate limit, timers and the hash of the file', () => {
    expect(policy.pushRateLimit).toEqual({ limit: 3, windowMs: 15 * 60_000 });
    expect(policy.approvals).toEqual({ reminderMs: 24 * 3_600_000, expiryMs: 72 * 3_600_000 });
    expect(policy.helpdeskAdmins).toEqual(['hank@example.com']);
    expect(policy.isPrivilegedName('domain_admins')).toBe(true);
    expect(policy.isPrivilegedName('design-team')).toBe(false);
    expect(policy.hash).toBe(parsePolicy(DEFAULT_TEXT, 'x').hash);
  });
});

describe('policy validation', () => {
  it('rejects a bad file naming the line and field of every problem', () => {
    const text = DEFAULT_TEXT.replace('limit: 3', 'limit: 0').replace('confidenceThreshold: 0.6', 'confidenceThreshold: 7');
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(() => parsePolicy(text, 'bad.yaml')).toThrow(new RegExp(`line ${lineOf('limit: 0')}, stepUp\\.push\\.rateLimit\\.limit[\\s\\S]*line ${lineOf('confidenceThreshold: 7')}, classifier\\.confidenceThreshold`));
  });

  it('rejects unknown keys and invalid YAML with a line number', () => {
    expect(() => parsePolicy('version: x\nfoo: [', 'bad.yaml')).toThrow(/not valid YAML:\n {2}- line \d+/);
    expect(() => parsePolicy(DEFAULT_TEXT + '\nsuperuser: true\n', 'bad.yaml')).toThrow(/invalid/);
  });

  it('rejects contradictions: a privileged group in the catalogue, high band without approver step-up, self-service privileged access', () => {
    const privilegedInCatalogue = DEFAULT_TEXT.replace('{ name: engineering, owner: frank@example.com }', '{ name: domain admins, owner: frank@example.com }');
    expect(() => parsePolicy(privilegedInCatalogue, 'x')).toThrow(/privileged groups are never requestable/);
    const noStepUp = DEFAULT_TEXT.replace('approvers: [helpdesk_admin], approverStepUp: true', 'approvers: [helpdesk_admin]');
    expect(() => parsePolicy(noStepUp, 'x')).toThrow(/approverStepUp/);
    const selfPrivileged = DEFAULT_TEXT.replace('privileged_access_request: { band: critical, mode: refuse }', 'privileged_access_request: { band: critical, mode: self_service, verification: push, approvers: [manager] }');
    expect(() => parsePolicy(selfPrivileged, 'x')).toThrow(/can never be self-service/);
  });

  it('names a missing file', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(/Cannot read policy file/);
  });
});
