import { AppError, silentLogger, systemClock } from '@keyward/core';
import type { StepUpChallenge, StepUpStatus, StepUpVerifier } from '@keyward/core';
import { callOkta, collectAll } from './okta-call';
import type { OktaCallDeps } from './okta-call';
import type { OktaAdapterOptions } from './okta-options';
import { createOktaSdk } from './okta-sdk-client';

/** Okta push challenges live about five minutes; used when the verify response has no expiresAt. */
const PUSH_LIFETIME_MS = 5 * 60 * 1000;
const DEFAULT_USER_AGENT = 'Keyward';

/** `…/users/{uid}/factors/{fid}/transactions/{tid}` → tid. */
export function transactionIdFromPollHref(href: string): string | undefined {
  const match = /\/transactions\/([^/?#]+)/.exec(href);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

const RESULTS: Record<string, StepUpStatus> = { WAITING: 'waiting', SUCCESS: 'approved', REJECTED: 'rejected', TIMEOUT: 'timeout' };

/**
 * Okta Verify push step-up with number matching. `start` sends the push and returns at once;
 * `poll` reads the transaction. Nothing here waits for the user.
 */
export function createOktaPushVerifier(options: OktaAdapterOptions): StepUpVerifier {
  const { client, executor } = createOktaSdk(options);
  const clock = options.clock ?? systemClock;
  const deps: OktaCallDeps = { executor, logger: (options.logger ?? silentLogger).child({ idp: 'okta', stepUp: 'push' }), clock };

  return {
    async start(userId, { requestId }): Promise<StepUpChallenge> {
      const { result: factors } = await callOkta(deps, 'listFactors', { userId, requestId }, async () => collectAll(await client.userFactorApi.listFactors({ userId })));
      const push = factors.find((f) => f.factorType === 'push' && f.status === 'ACTIVE');
      if (!push?.id) throw new AppError('stepup.no_factor', 'The user has no active Okta Verify push factor', { details: { userId } });
      const factorId = push.id;
      // Okta needs a User-Agent on a push verify (it shows the context on the phone); the body turns
      // on number matching, whose answer comes back in _embedded.challenge.correctAnswer.
      const { result } = await callOkta(deps, 'verifyFactor', { userId, requestId, factorId }, () =>
        client.userFactorApi.verifyFactor({ userId, factorId, userAgent: options.userAgent ?? DEFAULT_USER_AGENT, body: { useNumberMatchingChallenge: true } }),
      );
      const response = result as { factorResult?: unknown; expiresAt?: unknown; _links?: { poll?: { href?: unknown } }; _embedded?: { challenge?: { correctAnswer?: unknown } } };
      const href = response._links?.poll?.href;
      const transactionId = typeof href === 'string' ? transactionIdFromPollHref(href) : undefined;
      if (response.factorResult !== 'WAITING' || !transactionId) {
        throw new AppError('idp.bad_response', 'Okta push verify did not return a WAITING transaction with a poll link', { details: { factorResult: String(response.factorResult) } });
      }
      const answer = response._embedded?.challenge?.correctAnswer;
      const expires = response.expiresAt instanceof Date ? response.expiresAt : typeof response.expiresAt === 'string' ? new Date(response.expiresAt) : undefined;
      return {
        transactionId,
        factorId,
        factorType: 'push',
        ...(typeof answer === 'number' ? { numberChallenge: answer } : {}),
        expiresAt: expires && !Number.isNaN(expires.getTime()) ? expires : new Date(clock.now().getTime() + PUSH_LIFETIME_MS),
      };
    },

    async poll(userId, { transactionId, factorId }): Promise<StepUpStatus> {
      try {
        const { result } = await callOkta(deps, 'getFactorTransactionStatus', { userId, factorId }, () =>
          client.userFactorApi.getFactorTransactionStatus({ userId, factorId, transactionId }),
        );
        const factorResult = String((result as { factorResult?: unknown }).factorResult);
        const status = RESULTS[factorResult];
        if (!status) throw new AppError('idp.bad_response', `Unknown push factorResult ${factorResult}`);
        return status;
      } catch (error) {
        // Okta forgets push transactions some time after they expire; a vanished transaction was
        // never approved, so it reads as a timeout (never as an approval).
        if (error instanceof AppError && error.code === 'idp.not_found') return 'timeout';
        throw error;
      }
    },
  };
}
