import { loadConfig } from './load-config';

describe('Redis topology from the environment', () => {
  it('uses a plain REDIS_URL when no sentinel is listed', () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, '/tmp');
    expect(config.redis.sentinel).toBeUndefined();
    expect(config.redis.workerLockDurationMs).toBe(60_000);
  });

  it('reads sentinels, the master name and both passwords (the latter from *_FILE too)', () => {
    const config = loadConfig(
      { REDIS_SENTINELS: 'sentinel-0:26379, [::1]:26380,sentinel-2', REDIS_SENTINEL_NAME: 'keyward', REDIS_PASSWORD: 'data-pw', REDIS_SENTINEL_PASSWORD: 'sentinel-pw', WORKER_LOCK_DURATION_MS: '5000' },
      '/tmp',
    );
    expect(config.redis.sentinel).toEqual({
      sentinels: [
        { host: 'sentinel-0', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel-2', port: 26379 },
      ],
      name: 'keyward',
      password: 'data-pw',
      sentinelPassword: 'sentinel-pw',
      tls: false,
    });
    expect(config.redis.workerLockDurationMs).toBe(5000);
  });

  it('stops start-up on a sentinel list it cannot read', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'host:99999,:1' }, '/tmp')).toThrow(/REDIS_SENTINELS: "host:99999" is not host:port[\s\S]*REDIS_SENTINELS: ":1"/);
  });

  it('refuses a lock duration under one second (a blocked event loop would lose every job)', () => {
    expect(() => loadConfig({ WORKER_LOCK_DURATION_MS: '200' }, '/tmp')).toThrow(/WORKER_LOCK_DURATION_MS/);
  });
});
