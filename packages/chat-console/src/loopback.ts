/**
 * The console has no authentication: anyone who can reach it can act as any demo person and reveal
 * their reset links. It must only ever listen on the loopback interface; the gateway uses this to
 * refuse to mount it on any other bind address.
 */
export const CONSOLE_BIND_HOST = '127.0.0.1';

/** True for `localhost`, `127.x.x.x`, `::1` (with or without brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host);
}
