export { loadConfig } from './load-config';
export type { IdpConfig, KeywardConfig, SlackConfig } from './load-config';
export { envSchema } from './config.schema';
export type { Env } from './config.schema';
