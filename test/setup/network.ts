/**
 * Every test file runs with this (vitest.config.ts setupFiles): no request may leave the machine, and
 * every nock interceptor a test sets up must be used by it. Loopback stays open for the simulators and
 * the hub under test.
 */
import nock from 'nock';
import { afterEach, expect } from 'vitest';

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/;

nock.disableNetConnect();
nock.enableNetConnect((host) => LOOPBACK.test(host));

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'nock interceptors this test set up but never used').toEqual([]);
});
