import { z } from 'zod';

const band = z.enum(['low', 'low_medium', 'medium', 'high', 'critical']);

const actionRule = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('self_service'), band, verification: z.enum(['push']) }).strict(),
  z.object({ mode: z.literal('escalate'), band }).strict(),
  z.object({ mode: z.literal('refuse'), band }).strict(),
]);

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
    stepUp: z
      .object({
        push: z.object({ rateLimit: z.object({ limit: z.number().int().min(1).max(20), windowMinutes: z.number().min(1).max(1440) }).strict() }).strict(),
      })
      .strict(),
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
