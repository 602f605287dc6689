/**
 * Seeded workspace for the Slack fake. Shapes follow Slack's `users.info` user object: identity facts
 * live at the top level (`team_id`, `is_bot`, `deleted`, `is_stranger`, `is_restricted`) and the email
 * lives in `profile.email`, which Slack only returns with the `users:read.email` scope.
 */
export const SLACK_FAKE_IDS = {
  homeTeamId: 'T0HOME001',
  partnerTeamId: 'T0PARTNER',
  apiAppId: 'A0KEYWARD1',
  botUserId: 'U0KEYWARDB',
  botId: 'B0KEYWARDB',
  /** A regular employee with a verified email. */
  alice: 'U0ALICE001',
  /** An employee whose profile has no email (F02: guests, missing scope, odd profiles). */
  noEmail: 'U0NOEMAIL1',
  /** Another app's bot user. */
  otherBot: 'U0OTHERBOT',
  otherBotId: 'B0OTHERBOT',
  /** Slack Connect user from a partner org: different `team_id`. */
  partner: 'U0PARTNER1',
  /** Someone Slack marks `is_stranger`: visible via a shared channel, not in any shared workspace. */
  stranger: 'U0STRANGER',
  /** A deactivated account (`deleted: true`). */
  deleted: 'U0DELETED1',
  /** A multi-channel guest of the home workspace (`is_restricted: true`). */
  guest: 'U0GUEST001',
} as const;

export interface SlackFakeUser {
  id: string;
  team_id: string;
  name: string;
  real_name?: string;
  deleted: boolean;
  is_bot: boolean;
  is_app_user: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  profile: {
    display_name: string;
    real_name: string;
    email?: string;
    bot_id?: string;
    team: string;
  };
}

/**
 * A home-workspace person for tests that need more people than the seed (approvers, agents).
 * Not part of `defaultSlackUsers()`: product tests add their own people, and two users with one
 * email would make `users.lookupByEmail` ambiguous.
 */
export function buildSlackFakeUser(id: string, name: string, email: string | undefined, teamId: string = SLACK_FAKE_IDS.homeTeamId): SlackFakeUser {
  return human(id, teamId, name, email);
}

function human(id: string, teamId: string, name: string, email: string | undefined): SlackFakeUser {
  const profile: SlackFakeUser['profile'] = { display_name: name, real_name: name, team: teamId };
  if (email !== undefined) profile.email = email;
  return { id, team_id: teamId, name, real_name: name, deleted: false, is_bot: false, is_app_user: false, profile };
}

/** A fresh copy each call: tests may mutate their fake's users (rename, delete) without leaking. */
export function defaultSlackUsers(): SlackFakeUser[] {
  const ids = SLACK_FAKE_IDS;
  return [
    human(ids.alice, ids.homeTeamId, 'alice', 'alice@example.com'),
    human(ids.noEmail, ids.homeTeamId, 'nomail', undefined),
    {
      ...human(ids.otherBot, ids.homeTeamId, 'otherbot', undefined),
      is_bot: true,
      profile: { display_name: 'otherbot', real_name: 'Other Bot', team: ids.homeTeamId, bot_id: ids.otherBotId },
    },
    {
      ...human(ids.botUserId, ids.homeTeamId, 'keyward', undefined),
      is_bot: true,
      profile: { display_name: 'keyward', real_name: 'Keyward', team: ids.homeTeamId, bot_id: ids.botId },
    },
    // The partner's email may well be in our IdP's domain list; it must still not count.
    human(ids.partner, ids.partnerTeamId, 'mallory', 'mallory@partner.example'),
    { ...human(ids.stranger, ids.partnerTeamId, 'stranger', 'stranger@elsewhere.example'), is_stranger: true },
    { ...human(ids.deleted, ids.homeTeamId, 'bob', 'bob@example.com'), deleted: true },
    { ...human(ids.guest, ids.homeTeamId, 'contractor', 'contractor@example.com'), is_restricted: true },
  ];
}
