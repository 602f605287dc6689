import type { ServerResponse } from 'node:http';
import type { HttpProblem } from './http-problem';

/**
 * Headers on every console response. The CSP allows only the console's own files: even if a renderer
 * bug ever put user text into markup, an `<img onerror>` or inline script could not run.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    // API answers can carry a one-time secret (reveal): no cache may keep a copy.
    'Cache-Control': 'no-store',
  });
  res.end(payload);
}

export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, problem.status, { error: { code: problem.code, message: problem.message } });
}
