import { createPublicKey, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

/**
 * RS256 ID-token verification on node:crypto. jose 6 (the declared dependency) is ESM-only; the
 * product loads it fine (Node ≥20.19 requires ESM), but jest 30 on Node 20 cannot ("Must use import
 * to load ES Module"; jest supports require(esm) from Node 24.9), and an untestable verifier is worse
 * than a small explicit one. Checks: alg RS256 only (no `none`, no HMAC confusion), `kid` from the
 * issuer's JWKS (refetched once on an unknown kid: key rollover), signature, iss, aud, exp / nbf / iat
 * with 60 s of skew. Claims beyond that (nonce, tid, oid, MFA) are the caller's.
 */
export interface IdTokenClaims {
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
  nonce?: unknown;
  oid?: unknown;
  tid?: unknown;
  amr?: unknown;
  acrs?: unknown;
  [claim: string]: unknown;
}

const SKEW_S = 60;

export function createJwksCache(jwksUri: string): (kid: string) => Promise<KeyObject | undefined> {
  let keys: Map<string, KeyObject> | undefined;
  let fetchedAt = 0;
  const load = async (): Promise<Map<string, KeyObject>> => {
    const response = await fetch(jwksUri, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    const body = (await response.json()) as { keys?: (JsonWebKey & { kid?: string; use?: string })[] };
    const map = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) if (jwk.kid && jwk.kty === 'RSA' && (jwk.use === undefined || jwk.use === 'sig')) map.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    fetchedAt = Date.now();
    return map;
  };
  return async (kid) => {
    keys ??= await load();
    if (!keys.has(kid) && Date.now() - fetchedAt > 5_000) keys = await load();
    return keys.get(kid);
  };
}

export async function verifyIdToken(token: string, options: { keyFor: (kid: string) => Promise<KeyObject | undefined>; issuer: string; audience: string; nowMs: number }): Promise<IdTokenClaims> {
  const [h, p, s, extra] = token.split('.');
  if (!h || !p || !s || extra !== undefined) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown; crit?: unknown };
  if (header.alg !== 'RS256') throw new Error(`unexpected alg ${String(header.alg)}`);
  if (header.crit !== undefined) throw new Error('crit header not supported');
  if (typeof header.kid !== 'string') throw new Error('no kid');
  const key = await options.keyFor(header.kid);
  if (!key) throw new Error('unknown signing key');
  if (!verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) throw new Error('bad signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as IdTokenClaims;
  const now = Math.floor(options.nowMs / 1000);
  if (claims.iss !== options.issuer) throw new Error('wrong issuer');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.audience)) throw new Error('wrong audience');
  if (typeof claims.exp !== 'number' || claims.exp + SKEW_S <= now) throw new Error('expired');
  if (typeof claims.nbf === 'number' && claims.nbf - SKEW_S > now) throw new Error('not yet valid');
  if (typeof claims.iat !== 'number' || claims.iat - SKEW_S > now) throw new Error('issued in the future');
  return claims;
}
