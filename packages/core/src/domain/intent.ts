/** What the classifier may propose. It proposes; the policy decides. */
export const SELF_SERVICE_ACTIONS = ['password_reset', 'account_unlock', 'session_revoke'] as const;
export type SelfServiceAction = (typeof SELF_SERVICE_ACTIONS)[number];

/** Identity actions the product knows about but does not run itself yet: they go to the helpdesk. */
export const ESCALATED_ACTIONS = [
  'mfa_reset',
  'group_membership_add',
  'group_membership_remove',
  'app_access_request',
  'conditional_access_change',
  'privileged_access_request',
] as const;
export type EscalatedAction = (typeof ESCALATED_ACTIONS)[number];

export type ActionKind = SelfServiceAction | EscalatedAction;

/** Actions the worker can run against the IdP (after the verification and approvals the policy asks for). */
export const EXECUTABLE_ACTIONS = [
  'password_reset',
  'account_unlock',
  'session_revoke',
  'mfa_reset',
  'group_membership_add',
  'group_membership_remove',
  'app_access_request',
  'conditional_access_change',
] as const satisfies readonly ActionKind[];
export type ExecutableAction = (typeof EXECUTABLE_ACTIONS)[number];

export function isExecutableAction(action: ActionKind): action is ExecutableAction {
  return (EXECUTABLE_ACTIONS as readonly string[]).includes(action);
}

/** Actions that need a catalogue resource (a requestable group or app). */
export const RESOURCE_ACTIONS: Partial<Record<ActionKind, 'group' | 'app'>> = {
  group_membership_add: 'group',
  group_membership_remove: 'group',
  app_access_request: 'app',
};

export const CONVERSATIONAL_INTENTS = ['greeting', 'help', 'human_agent', 'status', 'cancel', 'out_of_scope', 'unknown'] as const;
export type ConversationalIntent = (typeof CONVERSATIONAL_INTENTS)[number];

export type IntentName = ActionKind | ConversationalIntent;

export const ALL_INTENTS: readonly IntentName[] = [...SELF_SERVICE_ACTIONS, ...ESCALATED_ACTIONS, ...CONVERSATIONAL_INTENTS];

export function isActionKind(intent: IntentName): intent is ActionKind {
  return (SELF_SERVICE_ACTIONS as readonly string[]).includes(intent) || (ESCALATED_ACTIONS as readonly string[]).includes(intent);
}

export function isSelfServiceAction(intent: IntentName): intent is SelfServiceAction {
  return (SELF_SERVICE_ACTIONS as readonly string[]).includes(intent);
}

export interface Classification {
  intent: IntentName;
  /** 0..1 */
  confidence: number;
  /** Next best guesses, best first; used for "did you mean" buttons. */
  alternatives: { intent: IntentName; confidence: number }[];
  /** Slots the classifier proposes (group, app, reason…). Never used as an IdP identifier unresolved. */
  slots: Record<string, string>;
  /** The words/rules the classifier relied on, kept for the audit event. */
  evidence: string[];
  /** The user says their account may be compromised ("someone has my password"). */
  compromiseSuspected: boolean;
  /** The message negates the action ("I don't need a reset"). */
  negated: boolean;
  classifier: { name: string; version: string; model?: string };
  /** Wall time the classification took, when a remote model was asked (audit + metrics, issue #5). */
  latencyMs?: number;
  /** Tokens the language model billed for this message, when one answered. */
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
  /** Why a model-backed classifier answered with its offline fallback (timeout, refusal, invented slot…). */
  fallbackReason?: string;
}

/** Human labels, used in chat and in the console. */
export const ACTION_LABELS: Record<ActionKind, string> = {
  password_reset: 'Reset your password',
  account_unlock: 'Unlock your account',
  session_revoke: 'Sign you out everywhere',
  mfa_reset: 'Reset your MFA',
  group_membership_add: 'Add you to a group',
  group_membership_remove: 'Remove you from a group',
  app_access_request: 'Give you access to an application',
  conditional_access_change: 'Grant a sign-in policy exception',
  privileged_access_request: 'Grant privileged access',
};
