import { createHash, randomBytes } from 'node:crypto';
import { createJwksCache, verifyIdToken } from './id-token-verifier';
import type { IdTokenClaims } from './id-token-verifier';
import { AppError, silentLogger, systemClock } from '@keyward/core';
import type { Clock, Logger, StepUpChallenge, StepUpStatus, StepUpVerifier } from '@keyward/core';
import type { KeyValueStore } from './key-value-store';

/**
 * Step-up by OIDC re-authentication (Entra ID, or any OIDC provider): the bot shows a sign-in link;
 * the user signs in to their own account with the authorization-code flow + PKCE (RFC 7636),
 * `prompt=login` (fresh credentials, no SSO session reuse) and, when configured, a `claims` request
 * for an authentication context (Conditional Access then demands MFA: learn.microsoft.com
 * "Developer guide to Conditional Access authentication context"). The callback verifies the ID
 * token (id-token-verifier.ts: signature against the issuer's JWKS, issuer, audience, expiry, nonce, state, tenant) and that
 * `oid` is the requester. MFA evidence is required: `amr` containing `mfa`, or the requested context
 * in `acrs`. v2.0 ID tokens often carry no `amr` at all (azure-docs #46953, F14): a valid token
 * without evidence does NOT satisfy the step-up — the user is asked to sign in again with the context.
 * Transactions live in a shared store (Redis in production: survives restarts, any gateway can take
 * the callback); states are single use and expire.
 */
export interface OidcStepUpOptions {
  /** Issuer base, e.g. `https://login.microsoftonline.com/<tenant>/v2.0` (discovery is read from it). */
  issuer: string;
  clientId: string;
  /** Confidential client secret for the code exchange (the same app registration as Graph). */
  clientSecret: string;
  /** `${PUBLIC_BASE_URL}/oidc/callback`, registered as a Web redirect URI on the app. */
  redirectUri: string;
  /** The `tid` every accepted token must carry (single tenant). */
  tenantId: string;
  /** Conditional Access authentication-context id that requires MFA (e.g. `c1`); requested via `claims`. */
  authContextId?: string;
  /** How long a sign-in link works. Default 10 minutes. */
  ttlMs?: number;
  store: KeyValueStore;
  clock?: Clock;
  logger?: Logger;
}

interface Transaction {
  userId: string;
  requestId: string;
  status: 'waiting' | 'approved' | 'rejected';
  expiresAt: number;
  reason?: string;
}

interface PendingState {
  transactionId: string;
  nonce: string;
  verifier: string;
  /** Whether this attempt asked for the authentication context (after a sign-in without MFA). */
  withContext: boolean;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface CallbackResult {
  status: number;
  title: string;
  message: string;
  /** A fresh sign-in link for the same transaction (cancelled sign-in, no MFA evidence, token error). */
  retryUrl?: string;
}

export interface OidcStepUpVerifier extends StepUpVerifier {
  /** The redirect target: `GET /oidc/callback?code=…&state=…` (or `error=…`). Never throws. */
  handleCallback(query: Record<string, string | undefined>): Promise<CallbackResult>;
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

export function createOidcStepUpVerifier(options: OidcStepUpOptions): OidcStepUpVerifier {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ stepUp: 'oidc' });
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const store = options.store;
  let discovery: Promise<Discovery> | undefined;
  let jwks: ReturnType<typeof createJwksCache> | undefined;

  const discover = (): Promise<Discovery> => {
    discovery ??= (async () => {
      const response = await fetch(`${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new AppError('idp.unavailable', `OIDC discovery answered ${response.status}`, { retryable: true });
      const doc = (await response.json()) as Partial<Discovery>;
      if (!doc.issuer || !doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri) throw new AppError('idp.bad_response', 'OIDC discovery document is incomplete');
      return doc as Discovery;
    })().catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
    return discovery;
  };

  const txKey = (id: string): string => `oidc:tx:${id}`;
  const stateKey = (state: string): string => `oidc:state:${createHash('sha256').update(state).digest('hex')}`;

  const readTx = async (id: string): Promise<Transaction | undefined> => {
    const raw = await store.get(txKey(id));
    return raw ? (JSON.parse(raw) as Transaction) : undefined;
  };
  const writeTx = async (id: string, tx: Transaction): Promise<void> => store.set(txKey(id), JSON.stringify(tx), Math.max(1000, tx.expiresAt - clock.now().getTime() + 60_000));

  /** A new single-use state (+ nonce + PKCE verifier) for the transaction, and the authorize URL carrying it. */
  const authorizeUrl = async (transactionId: string, tx: Transaction, withContext: boolean): Promise<string> => {
    const doc = await discover();
    const state = random(32);
    const nonce = random(32);
    const verifier = random(48);
    const pending: PendingState = { transactionId, nonce, verifier, withContext };
    await store.set(stateKey(state), JSON.stringify(pending), Math.max(1000, tx.expiresAt - clock.now().getTime()));
    const url = new URL(doc.authorization_endpoint);
    const params: Record<string, string> = {
      client_id: options.clientId,
      response_type: 'code',
      redirect_uri: options.redirectUri,
      response_mode: 'query',
      scope: 'openid profile',
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      // Fresh credentials: an existing browser session must not count as re-authentication.
      prompt: 'login',
    };
    if (options.authContextId) params.claims = JSON.stringify({ id_token: { acrs: { essential: true, value: options.authContextId } } });
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  };

  const hasMfaEvidence = (payload: IdTokenClaims): boolean => {
    const amr = Array.isArray(payload.amr) ? payload.amr : [];
    const acrs = Array.isArray(payload.acrs) ? payload.acrs : [];
    return amr.includes('mfa') || (options.authContextId !== undefined && acrs.includes(options.authContextId));
  };

  const finish = async (transactionId: string, tx: Transaction, status: 'approved' | 'rejected', reason: string): Promise<void> => {
    await writeTx(transactionId, { ...tx, status, reason });
    logger.info({ requestId: tx.requestId, transactionId, status, reason }, 'oidc step-up finished');
  };

  return {
    async start(userId, { requestId }): Promise<StepUpChallenge> {
      const transactionId = random(18);
      const expiresAt = clock.now().getTime() + ttlMs;
      const tx: Transaction = { userId, requestId, status: 'waiting', expiresAt };
      await writeTx(transactionId, tx);
      const url = await authorizeUrl(transactionId, tx, options.authContextId !== undefined);
      return { kind: 'link', url, transactionId, factorId: 'oidc', factorType: 'oidc_reauth', expiresAt: new Date(expiresAt) };
    },

    async poll(userId, { transactionId }): Promise<StepUpStatus> {
      const tx = await readTx(transactionId);
      // A vanished or foreign transaction was never approved: it reads as a timeout, never as approval.
      if (!tx || tx.userId !== userId) return 'timeout';
      if (tx.status === 'approved') return 'approved';
      if (tx.status === 'rejected') return 'rejected';
      return clock.now().getTime() >= tx.expiresAt ? 'timeout' : 'waiting';
    },

    async handleCallback(query): Promise<CallbackResult> {
      const state = query.state;
      if (!state) return { status: 400, title: 'Sign-in link not valid', message: 'This page needs the sign-in response. Start again from the chat.' };
      // Single use: the state is taken (read and deleted) before anything else, so a replayed
      // callback — same state, same or another code — finds nothing.
      const rawPending = await store.take(stateKey(state));
      if (!rawPending) return { status: 400, title: 'Sign-in link already used or expired', message: 'Ask the bot again from the chat if you still need this.' };
      const pending = JSON.parse(rawPending) as PendingState;
      const tx = await readTx(pending.transactionId);
      const now = clock.now().getTime();
      if (!tx || now >= tx.expiresAt) return { status: 400, title: 'Sign-in link expired', message: 'Nothing was changed. Ask the bot again from the chat.' };
      if (tx.status !== 'waiting') return { status: 409, title: 'Already done', message: 'This confirmation was already completed. You can close this window.' };
      const retry = async (withContext: boolean): Promise<string> => authorizeUrl(pending.transactionId, tx, withContext || pending.withContext);

      if (query.error || !query.code) {
        logger.info({ requestId: tx.requestId, error: query.error }, 'oidc sign-in returned an error');
        return { status: 400, title: 'Sign-in not completed', message: 'The sign-in was cancelled or failed. Nothing was changed.', retryUrl: await retry(false) };
      }

      const doc = await discover();
      let idToken: string | undefined;
      try {
        const response = await fetch(doc.token_endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: query.code, redirect_uri: options.redirectUri, code_verifier: pending.verifier, client_id: options.clientId, client_secret: options.clientSecret }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as { id_token?: unknown; error?: unknown };
        if (response.ok && typeof body.id_token === 'string') idToken = body.id_token;
        else logger.warn({ requestId: tx.requestId, status: response.status, error: String(body.error) }, 'oidc code exchange refused');
      } catch (error) {
        logger.warn({ requestId: tx.requestId, err: String(error) }, 'oidc code exchange failed');
      }
      if (!idToken) return { status: 400, title: 'Sign-in could not be checked', message: 'Nothing was changed. Try again.', retryUrl: await retry(false) };

      let payload: IdTokenClaims;
      try {
        jwks ??= createJwksCache(doc.jwks_uri);
        payload = await verifyIdToken(idToken, { keyFor: jwks, issuer: doc.issuer, audience: options.clientId, nowMs: clock.now().getTime() });
      } catch (error) {
        // Bad signature, wrong issuer or audience, expired: not a proof of anything. The transaction
        // stays open so a real sign-in can still finish it.
        logger.warn({ requestId: tx.requestId, err: error instanceof Error ? error.message : String(error) }, 'oidc id token rejected');
        return { status: 400, title: 'Sign-in could not be verified', message: 'Nothing was changed. Try again.', retryUrl: await retry(false) };
      }
      if (payload.nonce !== pending.nonce) {
        // A token minted for another authorization request was injected into this one.
        await finish(pending.transactionId, tx, 'rejected', 'nonce mismatch');
        return { status: 400, title: 'Sign-in rejected', message: 'This sign-in does not belong to this request. Nothing was changed; the helpdesk was told.' };
      }
      if (payload.tid !== options.tenantId || payload.oid !== tx.userId) {
        // Someone else (or another organisation's account) signed in on the requester's link.
        await finish(pending.transactionId, tx, 'rejected', payload.tid !== options.tenantId ? 'other tenant' : 'other user');
        return { status: 403, title: 'Wrong account', message: 'You signed in with a different account from the one that asked. Nothing was changed; the helpdesk was told.' };
      }
      if (!hasMfaEvidence(payload)) {
        // F14: valid, right person, but no proof of MFA. Not a step-up: ask again, this time demanding
        // the authentication context when one is configured.
        logger.info({ requestId: tx.requestId }, 'oidc sign-in without MFA evidence');
        return { status: 401, title: 'Multi-factor sign-in needed', message: 'Your sign-in did not include multi-factor authentication, so nothing was changed. Sign in again and approve the MFA prompt.', retryUrl: await retry(true) };
      }
      await finish(pending.transactionId, tx, 'approved', 'mfa sign-in verified');
      return { status: 200, title: "Verified — you're all set", message: 'You can close this window and go back to the chat.' };
    },
  };
}
