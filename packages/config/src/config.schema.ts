import { z } from 'zod';
import { operationsEnvSchema } from './operations.schema';
import { redisEnvSchema } from './redis.schema';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: `${name} must be an http(s) URL` });

/**
 * The configuration contract (DESIGN.md "Configuration contract"), read once at start-up.
 * Unset platform variables mean "use the embedded default" for that part; nothing else changes.
 */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('./data'),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url('SLACK_API_URL'),
  SLACK_ESCALATION_CHANNEL: optionalString,

  // Microsoft Teams (issue #4): the Azure Bot's app registration (single tenant) and the helpdesk channel.
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  /** Helpdesk channel: its conversation id (19:…@thread.tacv2) or a stored conversation reference (JSON). */
  TEAMS_ESCALATION_CONVERSATION: optionalString,
  /** Bot Connector URL for conversations the bot starts itself (default Teams' global one); tests: a local fake. */
  TEAMS_SERVICE_URL: url('TEAMS_SERVICE_URL'),
  /** true = no Bot Framework JWT check and no outbound token (local tests only; loopback HOST required). */
  TEAMS_EMULATOR_MODE: z.enum(['true', 'false']).optional(),

  IDP: z.enum(['okta', 'entra', 'sandbox']).optional(),
  OKTA_ORG_URL: url('OKTA_ORG_URL'),
  OKTA_API_TOKEN: optionalString,
  OKTA_CLIENT_ID: optionalString,
  OKTA_PRIVATE_KEY: optionalString,
  OKTA_KEY_ID: optionalString,
  OKTA_SCOPES: z.string().default('okta.users.read okta.roles.read okta.users.manage okta.groups.read okta.groups.manage okta.apps.read okta.apps.manage'),

  // Microsoft Entra ID (issue #4): Graph with client credentials; step-up by OIDC re-authentication.
  AZURE_TENANT_ID: optionalString,
  AZURE_CLIENT_ID: optionalString,
  AZURE_CLIENT_SECRET: optionalString,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalString,
  AZURE_AUTHORITY_HOST: url('AZURE_AUTHORITY_HOST'),
  GRAPH_API_URL: url('GRAPH_API_URL'),
  /** Conditional Access authentication context (e.g. c1) that requires MFA; requested at step-up sign-in. */
  ENTRA_STEPUP_AUTH_CONTEXT: optionalString.refine((v) => v === undefined || /^c([1-9]|[1-9][0-9])$/.test(v), { message: 'ENTRA_STEPUP_AUTH_CONTEXT must be an authentication context id c1…c99' }),
  ENTRA_STEPUP_TTL_MINUTES: z.coerce.number().int().min(2).max(60).default(10),
  /** Where users' browsers reach this gateway (https in production): the OIDC redirect URI is PUBLIC_BASE_URL/oidc/callback. */
  PUBLIC_BASE_URL: url('PUBLIC_BASE_URL'),

  // Language model (issue #5): unset key = offline classifier only. Any OpenAI-compatible server works.
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  // The longest one message waits for the model (retries included) before the offline answer is used.
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(200).max(60_000).default(4000),

  REDIS_URL: optionalString,
  QUEUE_PREFIX: z.string().regex(/^[^:\s]+$/, 'QUEUE_PREFIX must not contain ":" or spaces').default('{keyward}'),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), { message: 'DATABASE_URL must be a postgres:// URL (unset = embedded PGlite under DATA_DIR)' }),
  DATABASE_SCHEMA: optionalString,
  POLICY_FILE: optionalString,
  SECRET_ENCRYPTION_KEY: optionalString.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
    message: 'SECRET_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  }),
  STEPUP_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
  CONSOLE_ENABLED: z.enum(['true', 'false']).optional(),
}).extend(operationsEnvSchema.shape).extend(redisEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;
