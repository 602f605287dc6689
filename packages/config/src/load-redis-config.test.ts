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

  it('reads Cluster seed nodes (bare host = 6379), the data-node password and TLS', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:7000, [::1]:7001,redis-2', REDIS_PASSWORD: 'data-pw', REDIS_TLS: 'true' }, '/tmp');
    expect(config.redis.cluster).toEqual({
      nodes: [
        { host: 'redis-0', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'redis-2', port: 6379 },
      ],
      password: 'data-pw',
      tls: true,
    });
    expect(config.redis.sentinel).toBeUndefined();
    expect(config.queuePrefix).toBe('{keyward}');
  });

  it('stops start-up on a Cluster node list it cannot read', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:0,redis-1:7001:7002' }, '/tmp')).toThrow(/REDIS_CLUSTER_NODES: "redis-0:0" is not host:port[\s\S]*REDIS_CLUSTER_NODES: "redis-1:7001:7002" is not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: ' , ' }, '/tmp')).toThrow(/REDIS_CLUSTER_NODES is set but lists no node/);
  });

  it('refuses Sentinel and Cluster together (one Redis cannot be both)', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'sentinel-0:26379', REDIS_CLUSTER_NODES: 'redis-0:7000' }, '/tmp')).toThrow(/REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set/);
  });

  it('refuses a Cluster whose queue prefix has no hash tag (BullMQ keys would spread over slots)', () => {
    for (const prefix of ['keyward', '{}keyward', 'key{ward', 'key}ward{']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:7000', QUEUE_PREFIX: prefix }, '/tmp')).toThrow(`QUEUE_PREFIX "${prefix}" has no hash tag`);
    }
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:7000', QUEUE_PREFIX: 'kw-{tenant-a}' }, '/tmp').redis.cluster?.nodes).toHaveLength(1);
    // Without a Cluster any prefix is fine (one Redis has no slots to split over).
    expect(loadConfig({ QUEUE_PREFIX: 'keyward' }, '/tmp').queuePrefix).toBe('keyward');
  });

  it('refuses a lock duration under one second (a blocked event loop would lose every job)', () => {
    expect(() => loadConfig({ WORKER_LOCK_DURATION_MS: '200' }, '/tmp')).toThrow(/WORKER_LOCK_DURATION_MS/);
  });
});
