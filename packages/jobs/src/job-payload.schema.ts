import { z } from 'zod';

/** Payloads cross a process boundary (Redis): validated on the way in, never trusted blindly. */
export const jobPayloadSchema = z
  .object({
    requestId: z.string().min(1).max(200),
    attempt: z.number().int().min(1).optional(),
    notification: z.unknown().optional(),
  })
  .passthrough();

export type JobPayload = z.infer<typeof jobPayloadSchema>;
