import type { Redis } from 'ioredis';

export interface RedisFinding {
  level: 'ok' | 'warning' | 'critical';
  message: string;
}

/**
 * BullMQ needs `maxmemory-policy noeviction`: any evicting policy can silently drop queued jobs or
 * their locks under memory pressure (F16, bullmq #1046). Persistence off loses jobs on restart.
 */
export async function checkRedis(redis: Redis): Promise<RedisFinding[]> {
  const findings: RedisFinding[] = [];
  const policy = await configValue(redis, 'maxmemory-policy');
  if (policy === undefined) findings.push({ level: 'warning', message: 'Cannot read maxmemory-policy (CONFIG disabled?); make sure it is noeviction.' });
  else if (policy !== 'noeviction') findings.push({ level: 'critical', message: `Redis maxmemory-policy is "${policy}": queued jobs can be evicted. Set it to noeviction.` });
  else findings.push({ level: 'ok', message: 'maxmemory-policy is noeviction' });
  const aof = await configValue(redis, 'appendonly');
  const save = await configValue(redis, 'save');
  if (aof !== 'yes' && !save) findings.push({ level: 'warning', message: 'Redis persistence is off (no AOF, no RDB): a Redis restart loses queued and delayed jobs.' });
  return findings;
}

async function configValue(redis: Redis, key: string): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', key)) as unknown as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}
