import { z } from 'zod';

const band = z.enum(['low', 'low_medium', 'medium', 'high', 'critical']);
const approver = z.enum(['manager', 'app_owner', 'group_owner', 'helpdesk_admin']);
const email = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

const actionRule = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('self_service'),
      band,
      verification: z.enum(['push']),
      approvers: z.array(approver).default([]),
      approverStepUp: z.boolean().default(false),
      /** MFA reset with no usable factor: who attests instead of a push. */
      withoutFactor: z.array(approver).optional(),
    })
    .strict(),
  z.object({ mode: z.literal('escalate'), band }).strict(),
  z.object({ mode: z.literal('refuse'), band }).strict(),
]);

/** Flood-control defaults: generous for a person typing, tight for a script. */
export const DEFAULT_MESSAGE_RATE_LIMIT = { limit: 20, windowMinutes: 1 };
export const DEFAULT_HELPDESK_FLOOD = { limit: 5, windowMinutes: 10 };

const catalogueEntry = z.object({ name: z.string().min(1), owner: email.optional(), maxDays: z.number().int().min(1).max(3650).optional() }).strict();

export const policySchema = z
  .object({
    version: z.string().min(1),
    privileged: z
      .object({
        anyAdminRole: z.boolean(),
        groups: z.array(z.string().min(1)),
        executives: z
          .object({
            groups: z.array(z.string().min(1)).default([]),
            attributes: z.record(z.string(), z.array(z.string().min(1))).default({}),
          })
          .strict()
          .default({ groups: [], attributes: {} }),
      })
      .strict(),
    catalogue: z.object({ groups: z.array(catalogueEntry).default([]), apps: z.array(catalogueEntry).default([]) }).strict().default({ groups: [], apps: [] }),
    approvals: z
      .object({ reminderHours: z.number().min(0.01).max(24 * 30), expiryHours: z.number().min(0.01).max(24 * 60), order: z.enum(['sequential', 'parallel']).default('sequential') })
      .strict()
      .default({ reminderHours: 24, expiryHours: 72, order: 'sequential' }),
    helpdesk: z.object({ admins: z.array(email).default([]) }).strict().default({ admins: [] }),
    conditionalAccess: z
      .object({ exclusionGroup: z.string().min(1), defaultDays: z.number().int().min(1), maxDays: z.number().int().min(1).max(365) })
      .strict()
      .optional(),
    timeBound: z.object({ noticeHours: z.number().min(0).max(24 * 30) }).strict().default({ noticeHours: 24 }),
    stepUp: z
      .object({
        push: z.object({ rateLimit: z.object({ limit: z.number().int().min(1).max(20), windowMinutes: z.number().min(1).max(1440) }).strict() }).strict(),
      })
      .strict(),
    velocity: z.object({ limit: z.number().int().min(1).max(100), windowMinutes: z.number().min(1).max(1440) }).strict().default({ limit: 5, windowMinutes: 60 }),
    /**
     * Flood control, both optional (files written before them keep loading with the defaults):
     * new messages one chat user may send per window (beyond: refused before classification or any
     * IdP call, one reply per window), and helpdesk cards one requester's escalations may post per
     * window (beyond: one summary card; security alerts always post).
     */
    messages: z
      .object({ rateLimit: z.object({ limit: z.number().int().min(1).max(1000), windowMinutes: z.number().min(1).max(1440) }).strict() })
      .strict()
      .default({ rateLimit: DEFAULT_MESSAGE_RATE_LIMIT }),
    helpdeskFlood: z.object({ limit: z.number().int().min(1).max(1000), windowMinutes: z.number().min(1).max(1440) }).strict().default(DEFAULT_HELPDESK_FLOOD),
    riskSignals: z.object({ refuseAt: z.enum(['low', 'medium', 'high']) }).strict().default({ refuseAt: 'medium' }),
    populations: z
      .array(z.object({ name: z.string().min(1), attribute: z.string().min(1), values: z.array(z.string().min(1)).min(1), deniedActions: z.array(z.string()).min(1) }).strict())
      .default([]),
    classifier: z.object({ confidenceThreshold: z.number().min(0).max(1) }).strict(),
    secrets: z.object({ ttlMinutes: z.number().min(1).max(24 * 60) }).strict(),
    actions: z
      .object({
        password_reset: actionRule,
        account_unlock: actionRule,
        session_revoke: actionRule,
        mfa_reset: actionRule,
        group_membership_add: actionRule,
        group_membership_remove: actionRule,
        app_access_request: actionRule,
        conditional_access_change: actionRule,
        privileged_access_request: actionRule,
      })
      .strict(),
    blockedStatuses: z.array(z.string()).default([]),
  })
  .strict();

export type PolicyDocument = z.infer<typeof policySchema>;
export type ActionRule = PolicyDocument['actions'][keyof PolicyDocument['actions']];
