import type { AddressInfo } from 'node:net';
import { silentLogger } from '@keyward/core';
import { createMetrics } from '../runtime/metrics';
import { createGatewayServer } from './http-server';

describe('gateway probes and metrics', () => {
  it('/healthz is liveness only; /readyz reports each dependency and 503s while one fails; /metrics is Prometheus text', async () => {
    let redisUp = true;
    const metrics = createMetrics({ siemBacklog: async () => ({ webhook: 7 }) });
    const server = createGatewayServer({
      handlers: [],
      logger: silentLogger,
      metrics: { contentType: metrics.registry.contentType, metrics: () => metrics.registry.metrics() },
      health: [
        { name: 'redis', check: async () => { if (!redisUp) throw new Error('ECONNREFUSED'); } },
        { name: 'database', check: async () => undefined },
        { name: 'queue', check: async () => undefined },
      ],
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ok', checks: { redis: 'ok', database: 'ok', queue: 'ok' } });
      redisUp = false;
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'degraded', checks: { redis: 'ECONNREFUSED', database: 'ok', queue: 'ok' } });
      const live = await fetch(`${base}/healthz`);
      expect(live.status).toBe(200);
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.headers.get('content-type')).toContain('text/plain');
      expect(await scraped.text()).toContain('keyward_siem_backlog{destination="webhook"} 7');
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        for (const method of ['POST', 'PUT', 'DELETE', 'TRACE']) {
          expect((await fetch(`${base}${path}`, { method: method === 'TRACE' ? 'PATCH' : method })).status).toBe(405);
        }
      }
    } finally {
      server.close();
    }
  });
});
