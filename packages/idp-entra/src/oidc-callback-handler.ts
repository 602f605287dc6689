import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OidcStepUpVerifier } from './oidc-step-up-verifier';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The gateway route `GET /oidc/callback` (the redirect URI). Answers a small HTML page; never
 * caches, never frames, and never echoes the code or the token. Returns false for other paths.
 */
export function createOidcCallbackHandler(verifier: OidcStepUpVerifier, path = '/oidc/callback'): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' });
      res.end();
      return true;
    }
    const result = await verifier.handleCallback(Object.fromEntries(url.searchParams));
    const retry = result.retryUrl && /^https?:\/\//.test(result.retryUrl) ? `<p><a href="${escapeHtml(result.retryUrl)}">Sign in again</a></p>` : '';
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(result.title)}</title></head><body style="font-family:system-ui;max-width:32rem;margin:4rem auto"><h1>${escapeHtml(result.title)}</h1><p>${escapeHtml(result.message)}</p>${retry}</body></html>`;
    res.writeHead(result.status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
    });
    res.end(html);
    return true;
  };
}
