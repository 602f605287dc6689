import type { OktaSeed } from './okta-fake-types';

/**
 * The sandbox org of the embedded default (`npm start` with no accounts): the real Okta adapter talks
 * to the fake seeded with this. Ids are fixed so the console and docs can name them; each user covers
 * one path of the product. Logins differ from emails for some users, as in real orgs (F08).
 */
export const DEMO_GROUP_IDS = {
  everyone: '00gdemoeveryone00000',
  designTeam: '00gdemodesignteam000',
  engineering: '00gdemoengineering00',
  oktaAdministrators: '00gdemooktaadmins000',
  /** The conditional-access exclusion group: time-boxed membership lets someone sign in from abroad. */
  caTravelExclusion: '00gdemocatravelexcl0',
} as const;

/** App instances (0oa… like Okta's), both SAML 2.0 apps as in the OIN. */
export const DEMO_APP_IDS = {
  /** Grace owns it; Alice is not assigned ("I need Figma"). */
  figma: '0oademofigma00000000',
  /** Bob (Sales) is assigned. */
  salesforce: '0oademosalesforce000',
} as const;

export const DEMO_USER_IDS = {
  /** Normal employee, Okta Verify push, login ≠ email. */
  alice: '00udemoalice00000000',
  /** LOCKED_OUT, Okta Verify push. */
  bob: '00udemobob0000000000',
  /** Holds the SUPER_ADMIN role. */
  carol: '00udemocarol00000000',
  /** No push factor (SMS only): push step-up is impossible. */
  dave: '00udemodave000000000',
  /** Member of the privileged "Okta Administrators" group. */
  erin: '00udemoerin000000000',
  /** Manager of Alice, Bob, Dave, Erin and Grace (profile.managerId) and of Hank (profile.manager login): the approver. */
  frank: '00udemofrank00000000',
  /** HR; the Figma app owner (owners live in the policy catalogue: Okta has no app-owner field). */
  grace: '00udemograce00000000',
  /**
   * Helpdesk agent holding Okta's HELP_DESK_ADMIN role: an admin role, so the bot refuses
   * self-service on Hank's own account (privileged target) — use him as the human in the helpdesk channel.
   */
  hank: '00udemohank000000000',
} as const;

export const demoDirectory: OktaSeed = {
  groups: [
    { id: DEMO_GROUP_IDS.everyone, name: 'Everyone', description: 'All users in your organization', type: 'BUILT_IN' },
    { id: DEMO_GROUP_IDS.designTeam, name: 'design-team', description: 'Product designers; requestable' },
    { id: DEMO_GROUP_IDS.engineering, name: 'engineering', description: 'Engineers' },
    { id: DEMO_GROUP_IDS.oktaAdministrators, name: 'Okta Administrators', description: 'Privileged: holds admin roles' },
    { id: DEMO_GROUP_IDS.caTravelExclusion, name: 'CA Travel Exclusion', description: 'Excluded from the geo-restriction sign-on rule; time-boxed membership only' },
  ],
  users: [
    {
      id: DEMO_USER_IDS.alice,
      login: 'alice.walker@example.com',
      email: 'alice@example.com',
      firstName: 'Alice',
      lastName: 'Walker',
      profile: { title: 'Product Designer', department: 'Design', employeeType: 'Employee', managerId: DEMO_USER_IDS.frank },
      groups: [DEMO_GROUP_IDS.everyone, DEMO_GROUP_IDS.designTeam],
      factors: [{ id: 'opfdemoalice00000000', factorType: 'push', label: "Alice's iPhone" }],
    },
    {
      id: DEMO_USER_IDS.bob,
      login: 'bob@example.com',
      email: 'bob@example.com',
      firstName: 'Bob',
      lastName: 'Martin',
      status: 'LOCKED_OUT',
      profile: { title: 'Account Executive', department: 'Sales', employeeType: 'Employee', managerId: DEMO_USER_IDS.frank },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'opfdemobob0000000000', factorType: 'push', label: "Bob's Pixel" }],
    },
    {
      id: DEMO_USER_IDS.carol,
      login: 'carol.diaz@example.com',
      email: 'carol@example.com',
      firstName: 'Carol',
      lastName: 'Diaz',
      roles: ['SUPER_ADMIN'],
      profile: { title: 'IT Director', department: 'IT', employeeType: 'Employee' },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'opfdemocarol00000000', factorType: 'push', label: "Carol's iPhone" }],
    },
    {
      id: DEMO_USER_IDS.dave,
      login: 'dave@example.com',
      email: 'dave@example.com',
      firstName: 'Dave',
      lastName: 'Kim',
      profile: { title: 'Support Engineer', department: 'Support', employeeType: 'Contractor', managerId: DEMO_USER_IDS.frank },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'smsdemodave000000000', factorType: 'sms', label: '+14155550142' }],
    },
    {
      id: DEMO_USER_IDS.erin,
      login: 'erin.novak@example.com',
      email: 'erin@example.com',
      firstName: 'Erin',
      lastName: 'Novak',
      profile: { title: 'Platform Engineer', department: 'Engineering', employeeType: 'Employee', managerId: DEMO_USER_IDS.frank },
      groups: [DEMO_GROUP_IDS.everyone, DEMO_GROUP_IDS.engineering, DEMO_GROUP_IDS.oktaAdministrators],
      factors: [{ id: 'opfdemoerin000000000', factorType: 'push', label: "Erin's iPhone" }],
    },
    {
      id: DEMO_USER_IDS.frank,
      login: 'frank@example.com',
      email: 'frank@example.com',
      firstName: 'Frank',
      lastName: 'Osei',
      profile: { title: 'Head of Operations', department: 'Operations', employeeType: 'Employee' },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'opfdemofrank00000000', factorType: 'push', label: "Frank's iPhone" }],
    },
    {
      id: DEMO_USER_IDS.grace,
      login: 'grace@example.com',
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      profile: { title: 'HR Business Partner', department: 'HR', employeeType: 'Employee', managerId: DEMO_USER_IDS.frank },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'opfdemograce00000000', factorType: 'push', label: "Grace's iPhone" }],
    },
    {
      id: DEMO_USER_IDS.hank,
      login: 'hank@example.com',
      email: 'hank@example.com',
      firstName: 'Hank',
      lastName: 'Mensah',
      roles: ['HELP_DESK_ADMIN'],
      // A manager named by login rather than id, as directories synced from HR often do: exercises the adapter's fallback.
      profile: { title: 'IT Helpdesk Lead', department: 'IT', employeeType: 'Employee', manager: 'frank@example.com' },
      groups: [DEMO_GROUP_IDS.everyone],
      factors: [{ id: 'opfdemohank000000000', factorType: 'push', label: "Hank's Pixel" }],
    },
  ],
  apps: [
    { id: DEMO_APP_IDS.figma, label: 'Figma', name: 'figma', assignedUsers: [DEMO_USER_IDS.grace] },
    { id: DEMO_APP_IDS.salesforce, label: 'Salesforce', name: 'salesforce', assignedUsers: [DEMO_USER_IDS.bob] },
  ],
};
