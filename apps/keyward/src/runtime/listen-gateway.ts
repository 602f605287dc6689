import type { Server } from 'node:http';
import { AppError } from '@keyward/core';

/**
 * Starts the gateway's HTTP server on PORT/HOST. The usual reasons it cannot (another process on the
 * port, a privileged port, a HOST this machine does not have) become one sentence saying what to
 * change, not a stack: they are the operator's to fix, not bugs.
 */
export async function listenGateway(server: Server, options: { port: number; host: string }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(explainListenError(error, options) ?? error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The sentence for a listen error the operator can fix, or undefined for anything else. */
export function explainListenError(error: NodeJS.ErrnoException, options: { port: number; host: string }): AppError | undefined {
  const { port, host } = options;
  const other = port + 100 <= 65_535 ? port + 100 : 3100;
  switch (error.code) {
    case 'EADDRINUSE':
      return new AppError('config.invalid', `Port ${port} is already in use. Stop the other process or set PORT=${other} (for example) and run npm start again.`, { cause: error });
    case 'EACCES':
      return new AppError('config.invalid', `Port ${port} needs extra privileges on this machine (ports below 1024 usually do). Set PORT=3000 (for example) and run npm start again.`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new AppError('config.invalid', `HOST=${host} is not an address of this machine. Set HOST to one of its addresses (127.0.0.1 for this machine only) and run npm start again.`, { cause: error });
    default:
      return undefined;
  }
}
