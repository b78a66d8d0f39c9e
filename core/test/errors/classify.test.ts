import { describe, expect, it } from 'vitest';
import { classify, retryAfterMs, type ClassifyPolicy, type Outcome } from '../../src/errors/classify.js';

const now = Date.parse('2026-11-24T12:00:00Z');

describe('classify()', () => {
  const cases: Array<[string, Outcome, ClassifyPolicy, string, number?]> = [
    ['2xx is ok', { status: 201 }, {}, 'ok'],
    ['a network reset retries', { networkError: 'ECONNRESET' }, {}, 'retry'],
    ['a timeout retries', { networkError: 'ETIMEDOUT' }, {}, 'retry'],
    ['408 retries', { status: 408 }, {}, 'retry'],
    ['500 retries', { status: 500 }, {}, 'retry'],
    ['503 with Retry-After retries after it', { status: 503, headers: { 'retry-after': '7' } }, {}, 'retry', 7000],
    ['429 waits', { status: 429 }, {}, 'wait'],
    ['429 with Retry-After seconds', { status: 429, headers: { 'retry-after': '12' } }, {}, 'wait', 12000],
    ['429 with an HTTP date', { status: 429, headers: { 'retry-after': 'Tue, 24 Nov 2026 12:00:30 GMT' } }, { now }, 'wait', 30000],
    ['401 with OAuth refreshes', { status: 401 }, { canRefresh: true }, 'refresh'],
    ['401 after a refresh is an auth failure', { status: 401 }, { canRefresh: true, refreshed: true }, 'auth'],
    ['401 with an API key is an auth failure', { status: 401 }, {}, 'auth'],
    ['400 fails', { status: 400, body: { message: 'bad' } }, {}, 'fail'],
    ['404 fails', { status: 404 }, {}, 'fail'],
    ['403 fails by default', { status: 403 }, {}, 'fail'],
    ['retryOn makes a 409 retry', { status: 409 }, { retryOn: [409] }, 'retry'],
    [
      'a rule with bodyContains turns a 403 into a wait',
      { status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }] },
      { rules: [{ status: [403], bodyContains: 'REQUEST_LIMIT_EXCEEDED', action: 'wait' }] },
      'wait',
    ],
    [
      'a rule that does not match falls through',
      { status: 403, body: { error: 'forbidden' } },
      { rules: [{ status: [403], bodyContains: 'rateLimitExceeded', action: 'wait' }] },
      'fail',
    ],
    ['a rule without status matches any non-2xx', { status: 410 }, { rules: [{ action: 'retry' }] }, 'retry'],
    ['a rule without status never matches 2xx', { status: 200 }, { rules: [{ action: 'retry' }] }, 'ok'],
    [
      'a refresh rule refreshes when it can',
      { status: 400, body: 'INVALID_SESSION_ID' },
      { canRefresh: true, rules: [{ status: [400], bodyContains: 'INVALID_SESSION_ID', action: 'refresh' }] },
      'refresh',
    ],
  ];
  it.each(cases)('%s', (_name, outcome, policy, action, wait) => {
    const c = classify(outcome, policy);
    expect(c.action).toBe(action);
    expect(c.reason.length).toBeGreaterThan(0);
    if (wait !== undefined) expect(c.retryAfterMs).toBe(wait);
  });

  const network: Array<[string, 'retry' | 'fail', boolean, RegExp]> = [
    ['ECONNRESET', 'retry', false, /connection reset/],
    ['ETIMEDOUT', 'retry', false, /timed out/],
    ['EPIPE', 'retry', false, /closed while sending/],
    ['ECONNABORTED', 'retry', false, /aborted/],
    ['ECONNREFUSED', 'retry', true, /connection refused/],
    ['ENOTFOUND', 'retry', true, /host not found/],
    ['EAI_AGAIN', 'retry', true, /DNS/],
    ['EHOSTUNREACH', 'retry', true, /unreachable/],
    ['CERT_HAS_EXPIRED', 'fail', true, /TLS failure CERT_HAS_EXPIRED/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'fail', true, /TLS failure/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'fail', true, /TLS failure/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'fail', true, /TLS failure/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'fail', true, /TLS failure/],
    ['EPROTO', 'fail', true, /TLS failure/],
    ['ESOMETHINGNEW', 'retry', false, /network error ESOMETHINGNEW/],
    ['ERR_BODY_PARSE_FAILURE', 'fail', false, /request error/],
  ];
  it.each(network)('network error %s: %s (never sent: %s)', (code, action, notSent, reason) => {
    const c = classify({ networkError: code });
    expect(c).toMatchObject({ action, notSent });
    expect(c.reason).toMatch(reason);
  });

  it('is pure: the same input gives the same answer', () => {
    const o: Outcome = { status: 429, headers: { 'retry-after': '3' } };
    expect(classify(o)).toEqual(classify(o));
  });

  it('reads Retry-After only when it makes sense', () => {
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '0' })).toBe(0);
  });
});
