import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine } from '@hub/store/testing';
import { Keyring } from '../../src/security/crypto.js';
import { OAUTH_STATE_TTL_MS, OAuthStateRepo } from '../../src/store/repos/oauth-states.js';

let opened: OpenedTestEngine;
let states: OAuthStateRepo;
let now = 1_000_000;
const grant = {
  tenantId: 't1',
  agentId: 'a1',
  connectorId: 'hubspot',
  integrationId: 'int_1',
  codeVerifier: 'verifier-1',
  redirectUri: 'https://hub.test/api/integrations/hubspot/callback',
};
describe.each(testEngines())('OAuthStateRepo on $name', (target) => {
  beforeEach(async () => {
    opened = await target.open();
    now = 1_000_000;
    states = new OAuthStateRepo(opened.engine.collection('oauth_states'), new Keyring([randomBytes(32)]), () => now);
  });
  afterEach(() => opened.dispose());

  it('offers an unused state again with its verifier, and stores only its hash and a sealed copy', async () => {
    const state = await states.create(grant);
    expect(await states.reusable('int_1', grant.redirectUri)).toEqual({
      state,
      codeVerifier: 'verifier-1',
      expiresAt: now + OAUTH_STATE_TTL_MS,
    });
    expect(JSON.stringify(await opened.engine.collection('oauth_states').find({}).toArray())).not.toContain(state);
    expect(await states.reusable('int_2', grant.redirectUri)).toBeUndefined();
    expect(await states.reusable('int_1', 'https://other.test/api/integrations/hubspot/callback')).toBeUndefined();
  });

  it('never offers a used state, and a used state stays single-use', async () => {
    const state = await states.create(grant);
    expect((await states.consume(state)).ok).toBe(true);
    expect(await states.reusable('int_1', grant.redirectUri)).toBeUndefined();
    expect(await states.consume(state)).toEqual({ ok: false, reason: 'used' });
  });

  it('stops offering a state with under two minutes left, but it still works until it expires', async () => {
    const state = await states.create(grant);
    now += OAUTH_STATE_TTL_MS - 2 * 60_000 - 1;
    expect((await states.reusable('int_1', grant.redirectUri))?.state).toBe(state);
    now += 2;
    expect(await states.reusable('int_1', grant.redirectUri)).toBeUndefined();
    expect((await states.consume(state)).ok).toBe(true);
  });

  it('offers the newest of several valid states', async () => {
    await states.create(grant);
    now += 60_000;
    const newer = await states.create(grant);
    expect((await states.reusable('int_1', grant.redirectUri))?.state).toBe(newer);
  });
});
