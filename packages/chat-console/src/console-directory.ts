/**
 * The demo people the console lets you "be". The gateway wires this to the sandbox directory (the
 * local Okta-compatible simulator), so a console user is a real directory user in that sandbox.
 */
export interface ConsolePerson {
  /** Console chat user id; the DM with the bot lives in channel `dm-<chatUserId>`. */
  chatUserId: string;
  displayName: string;
  /** The directory email: the console reports it as the platform-verified email. */
  email: string;
  /** What makes this person interesting to try, e.g. "locked out", "has an admin role". */
  note: string;
  /**
   * What the page offers this person: helpdesk agents see the case buttons as theirs, approvers get
   * a hint that approval cards land in their DM. A label only — who may approve or work a case is
   * the core's decision, from the IdP and the policy, never from this field.
   */
  role?: ConsoleRole;
}

export type ConsoleRole = 'employee' | 'manager' | 'app_owner' | 'helpdesk';

export interface ConsoleDirectory {
  listPeople(): Promise<ConsolePerson[]>;
}
