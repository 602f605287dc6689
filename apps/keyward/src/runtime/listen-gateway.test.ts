import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '@keyward/core';
import { explainListenError, listenGateway } from './listen-gateway';

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('listenGateway', () => {
  it('says in one sentence that the port is taken and what to do, instead of an unexpected-error stack', async () => {
    const other = createServer();
    await listenGateway(other, { port: 0, host: '127.0.0.1' });
    const { port } = other.address() as AddressInfo;
    const gateway = createServer();
    try {
      const failure: unknown = await listenGateway(gateway, { port, host: '127.0.0.1' }).then(() => undefined, (error: unknown) => error);
      // An AppError is what main.ts prints as a plain `keyward: <sentence>`, without a stack.
      expect(isAppError(failure)).toBe(true);
      expect((failure as Error).message).toBe(`Port ${port} is already in use. Stop the other process or set PORT=${port + 100 <= 65_535 ? port + 100 : 3100} (for example) and run npm start again.`);
      expect(gateway.listening).toBe(false);
    } finally {
      await close(other);
    }
  });

  it('words the default port as the README does', () => {
    expect(explainListenError(errno('EADDRINUSE'), { port: 3000, host: '127.0.0.1' })?.message).toBe('Port 3000 is already in use. Stop the other process or set PORT=3100 (for example) and run npm start again.');
    expect(explainListenError(errno('EADDRINUSE'), { port: 65_500, host: '127.0.0.1' })?.message).toMatch(/set PORT=3100/);
  });

  it('explains a privileged port and a HOST the machine does not have; leaves other errors alone', () => {
    expect(explainListenError(errno('EACCES'), { port: 80, host: '0.0.0.0' })?.message).toMatch(/^Port 80 needs extra privileges/);
    expect(explainListenError(errno('EADDRNOTAVAIL'), { port: 3000, host: '10.9.9.9' })?.message).toMatch(/^HOST=10\.9\.9\.9 is not an address of this machine/);
    expect(explainListenError(errno('EMFILE'), { port: 3000, host: '127.0.0.1' })).toBeUndefined();
  });

  it('listens when the port is free', async () => {
    const gateway = createServer();
    await listenGateway(gateway, { port: 0, host: '127.0.0.1' });
    expect(gateway.listening).toBe(true);
    await close(gateway);
  });
});
