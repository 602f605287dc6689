import type { ServiceRequest } from '../domain/request';
import type { FakeIdpApp } from '../testing';
import { createFakeIdentityProvider, createFakePolicyEngine } from '../testing';
import { grantDays, LONGEST_GRANT_DAYS, LONGEST_READ_DAYS, parseDurationDays, resolveResource, TEMPORARY_GRANT_DAYS } from './resolve-resource';

const policy = createFakePolicyEngine({
  privilegedGroups: ['Domain Admins', 'Design Admins'],
  catalogue: {
    groups: [{ name: 'design-team' }, { name: 'engineering' }, { name: 'ops' }, { name: 'Design Admins' }],
    apps: [{ name: 'Figma' }, { name: 'Salesforce' }],
  },
});
const idp = createFakeIdentityProvider([], {
  groups: [{ id: '00g_design', name: 'design-team' }, { id: '00g_eng', name: 'engineering' }, { id: '00g_ops', name: 'ops' }],
  apps: [{ id: '0oa_figma', name: 'Figma' }, { id: '0oa_sf', name: 'Salesforce' }],
});
const deps = { idp, policy };

function request(text: string, action: 'group_membership_add' | 'app_access_request', resourceName?: string): ServiceRequest {
  return {
    id: 'rq_1',
    version: 1,
    state: 'understood',
    createdAt: '2025-01-06T09:00:00.000Z',
    updatedAt: '2025-01-06T09:00:00.000Z',
    sourceEventId: 'Ev1',
    conversation: { surface: 'console', channelId: 'D1' },
    requester: { chatUserId: 'U1' },
    action,
    intent: action,
    params: resourceName === undefined ? {} : { resourceName },
    text,
    messages: {},
    approvals: [],
  };
}

describe('resolveResource: small typos become "did you mean", never a guess', () => {
  it.each([
    ['add me to desing team', 'desing'], // the slot is cut short; the message's words are a typo of the name
    ['add me to desing-team', 'desing-team'],
    ['add me to the desgin team group', 'desgin team'],
    ['add me to design team', 'design'],
    ['please add me to desing team', undefined], // no slot at all
  ])('"%s" (slot %s) offers design-team as a button', async (text, slot) => {
    expect(await resolveResource(deps, request(text, 'group_membership_add', slot))).toMatchObject({ kind: 'suggest', resourceKind: 'group', options: ['design-team'] });
  });

  it('tolerates one typo in a short name and two in a long one, relative to length', async () => {
    expect(await resolveResource(deps, request('I need Figam', 'app_access_request', 'Figam'))).toMatchObject({ kind: 'suggest', options: ['Figma'] });
    expect(await resolveResource(deps, request('I need Salesfroce', 'app_access_request', 'Salesfroce'))).toMatchObject({ kind: 'suggest', options: ['Salesforce'] });
    expect(await resolveResource(deps, request('I need Saleforse', 'app_access_request', 'Saleforse'))).toMatchObject({ kind: 'suggest', options: ['Salesforce'] });
    expect(await resolveResource(deps, request('I need Fgmaa', 'app_access_request', 'Fgmaa'))).toMatchObject({ kind: 'unknown' });
    // Names under 4 characters are matched exactly: "opz" is not "ops".
    expect(await resolveResource(deps, request('add me to opz', 'group_membership_add', 'opz'))).toMatchObject({ kind: 'unknown' });
  });

  it('never auto-selects: even a single near match is a question, and an exact name resolves', async () => {
    expect(await resolveResource(deps, request('add me to engineerign', 'group_membership_add', 'engineerign'))).toMatchObject({ kind: 'suggest', options: ['engineering'] });
    expect(await resolveResource(deps, request('add me to engineering', 'group_membership_add', 'engineering'))).toMatchObject({ kind: 'resolved', resource: { id: '00g_eng' } });
  });

  it('never offers a privileged name, even one the catalogue lists by mistake, and refuses it when named', async () => {
    const near = await resolveResource(deps, request('add me to Desing Admins', 'group_membership_add', 'Desing Admins'));
    expect(JSON.stringify(near)).not.toMatch(/Design Admins/);
    expect(await resolveResource(deps, request('add me to Design Admins', 'group_membership_add', 'Design Admins'))).toEqual({ kind: 'privileged', asked: 'Design Admins' });
    const asked = await resolveResource(deps, request('add me to a group', 'group_membership_add'));
    expect(asked).toMatchObject({ kind: 'ask', options: ['design-team', 'engineering', 'ops'] });
  });

  it('leaves an unrelated name unknown, listing only what may be requested', async () => {
    expect(await resolveResource(deps, request('add me to rocket-club', 'group_membership_add', 'rocket-club'))).toEqual({
      kind: 'unknown',
      resourceKind: 'group',
      asked: 'rocket-club',
      options: ['design-team', 'engineering', 'ops'],
    });
    // "team" alone is no typo of design-team: a message about another team gets no suggestion.
    expect(await resolveResource(deps, request('add me to the sales team', 'group_membership_add', 'sales'))).toMatchObject({ kind: 'unknown' });
  });
});

/**
 * Invariant 2 for apps: the catalogue name must match exactly one IdP app label as written
 * (trimmed, NFC, case-insensitive). A look-alike label ("F\u0456gma", Cyrillic \u0456) or a duplicate
 * differing in case ("salesforce") is never picked.
 */
function resolveWith(apps: FakeIdpApp[], app: string): ReturnType<typeof resolveResource> {
  return resolveResource({ idp: createFakeIdentityProvider([], { apps }), policy }, request(`I need ${app}`, 'app_access_request', app));
}

describe('resolveResource: apps resolve to exactly one IdP app labelled as the catalogue says', () => {
  it('resolves the one app whose label matches (case, spacing and NFC aside)', async () => {
    expect(await resolveWith([{ id: '0oa_figma', name: ' figma ' }], 'Figma')).toMatchObject({ kind: 'resolved', resource: { id: '0oa_figma' } });
  });

  it('never picks a look-alike listed before the real app: ambiguous', async () => {
    const result = await resolveWith([{ id: '0oa_fake', name: 'F\u0456gma' }, { id: '0oa_figma', name: 'Figma' }], 'Figma');
    expect(result).toEqual({ kind: 'ambiguous_in_idp', resourceKind: 'app', name: 'Figma', candidates: [{ id: '0oa_fake', name: 'F\u0456gma' }, { id: '0oa_figma', name: 'Figma' }] });
  });

  it('never picks one of two apps differing only in case: ambiguous', async () => {
    const result = await resolveWith([{ id: '0oa_sf1', name: 'Salesforce' }, { id: '0oa_sf2', name: 'salesforce' }], 'Salesforce');
    expect(result).toMatchObject({ kind: 'ambiguous_in_idp', name: 'Salesforce' });
  });

  it('never uses a homoglyph-only match', async () => {
    expect(await resolveWith([{ id: '0oa_fake', name: 'F\u0456gma' }], 'Figma')).toEqual({ kind: 'missing_in_idp', resourceKind: 'app', name: 'Figma', lookalikes: ['F\u0456gma'] });
  });
});


describe('parseDurationDays: odd or missing lengths never become the policy maximum', () => {
  it.each([
    ['add me to design-team for 2 weeks', 14],
    ['for three days please', 3],
    ['for a month', 30],
    ['for a fortnight', 14],
    ['for 1.5 days', 2],
    ['for 12 hours', 1],
    ['for a couple of days', 2],
    ['for the next 10 days', 10],
    ['add me to design-team for 9999 days', 9999], // kept, so the cap is reported
    ['add me to design-team for 0 days', 1], // least privilege, not the maximum
    ['add me to design-team for -3 days', 1],
    ['add me to design-team for half a day', 1],
    ['just for today', 1],
    ['I need it for a few hours', 1],
    ['temporarily add me to design-team', TEMPORARY_GRANT_DAYS],
    ['add me to design-team until Friday', TEMPORARY_GRANT_DAYS],
    ['for a while', TEMPORARY_GRANT_DAYS],
  ])('%j → %d', (text, days) => {
    expect(parseDurationDays(text)).toBe(days);
  });

  it.each(['add me to design-team', 'I need Figma for work', 'for my project', 'add me to design-team, I have been here 3 years'])('%j asks for no length', (text) => {
    expect(parseDurationDays(text)).toBeUndefined();
  });

  it('a length over the maximum is capped and flagged; none asked gives the maximum', () => {
    expect(grantDays(9999, 180)).toEqual({ days: 180, capped: true });
    expect(grantDays(undefined, 180)).toEqual({ days: 180, capped: false });
    expect(grantDays(1, 180)).toEqual({ days: 1, capped: false });
  });
});

describe('parseDurationDays: a reviewer\'s odd lengths', () => {
  it.each([
    ['for 2 wks', 14],
    ['for 48 hrs', 2],
    ['for thirteen days', 13],
    ['for ninety days', 90],
    ['for forty days', 40],
    ['for twenty-one days', 21],
    ['for 2 business days', 2],
    ['for 2weeks', 14],
    ['for 1,000 days', 1000],
    ['for the rest of the week', TEMPORARY_GRANT_DAYS],
    ['just for this week', TEMPORARY_GRANT_DAYS],
    ['for 2 sprints', TEMPORARY_GRANT_DAYS],
    ['for a good while', TEMPORARY_GRANT_DAYS],
    ['reset it for 100000000 days', LONGEST_READ_DAYS],
    [`for 1${'0'.repeat(400)} days`, LONGEST_READ_DAYS],
  ])('%j → %d', (text, days) => {
    expect(parseDurationDays(text)).toBe(days);
  });

  it('never yields a grant longer than ten years, nor a non-finite one, even with no policy maximum', () => {
    expect(grantDays(LONGEST_READ_DAYS, undefined)).toEqual({ days: LONGEST_GRANT_DAYS, capped: true });
    expect(grantDays(Number.POSITIVE_INFINITY, 90)).toEqual({ capped: false });
  });
});
