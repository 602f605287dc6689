export { loadConfig, SECRET_VARIABLES } from './load-config';
export type { EntraStepUpConfig, IdpConfig, KeywardConfig, OpenAiConfig, SlackConfig, TeamsConfig } from './load-config';
export { envSchema } from './config.schema';
export type { Env } from './config.schema';
export type { OperationsConfig, SiemConfig } from './load-operations-config';
export type { RedisClusterConfig, RedisSentinelConfig, RedisTopologyConfig } from './load-redis-config';
