import { AppError } from '@keyward/core';
import { retryAfterFromHeaders, toOktaAppError } from './okta-error-mapper';

const clock = { now: () => new Date('2030-01-01T00:00:00.000Z') };
const nowS = Date.parse('2030-01-01T00:00:00.000Z') / 1000;

describe('toOktaAppError', () => {
  it('measures the rate-limit wait against the response Date, not our clock', () => {
    const headers = { 'x-rate-limit-reset': String(nowS + 100), date: new Date((nowS + 70) * 1000).toUTCString() };
    expect(retryAfterFromHeaders(headers, clock)).toBe(31_000);
  });

  it('falls back to our clock without a Date header, and never asks for less than a second', () => {
    expect(retryAfterFromHeaders({ 'x-rate-limit-reset': String(nowS + 30) }, clock)).toBe(31_000);
    expect(retryAfterFromHeaders({ 'x-rate-limit-reset': String(nowS - 30) }, clock)).toBe(1000);
  });

  it.each([
    [404, 'idp.not_found', false],
    [401, 'idp.denied', false],
    [403, 'idp.denied', false],
    [400, 'idp.denied', false],
    [500, 'idp.unavailable', true],
    [503, 'idp.unavailable', true],
    [429, 'idp.rate_limited', true],
  ])('maps HTTP %i to %s (retryable %s)', (status, code, retryable) => {
    const err = toOktaAppError({ status, errorCode: 'E0000000', headers: {} }, { operation: 'op', clock });
    expect(err).toMatchObject({ code, retryable });
  });

  it('maps network failures and timeouts to retryable idp.unavailable', () => {
    expect(toOktaAppError({ type: 'system', code: 'ECONNRESET' }, { operation: 'op', clock })).toMatchObject({ code: 'idp.unavailable', retryable: true });
    expect(toOktaAppError({ type: 'request-timeout' }, { operation: 'op', clock })).toMatchObject({ code: 'idp.unavailable', retryable: true });
  });

  it('passes AppErrors through untouched', () => {
    const original = new AppError('stepup.no_factor', 'none');
    expect(toOktaAppError(original, { operation: 'op', clock })).toBe(original);
  });
});
