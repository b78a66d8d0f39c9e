import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine, type TestEngine } from '@hub/store/testing';
import { HubServices } from '../../src/services.js';
import { Registry } from '../../src/registry/registry.js';
import { Keyring } from '../../src/security/crypto.js';
import { silentLogger } from '../../src/engine/types.js';
import { OutboundService } from '../../src/outbound/outbound-service.js';
import { triggerCall } from '../../src/outbound/trigger.js';
import { hashSecret } from '../../src/security/crypto.js';
import type { NewOutboundCall } from '../../src/outbound/outbound-calls.js';

let opened: OpenedTestEngine;
let hub: HubServices;
let out: OutboundService;

function useEngine(target: TestEngine): void {
  beforeEach(async () => {
    opened = await target.open();
    const engine = opened.engine;
    hub = new HubServices(
      engine,
      Registry.of([]),
      new Keyring([randomBytes(32)]),
      { allowPrivateUrls: false, publicUrl: 'https://hub.example.com' },
      silentLogger,
    );
    await hub.init();
    out = new OutboundService(hub, { analysisWaitMs: 1000 });
    await out.init();
  });
  afterEach(() => opened.dispose());
}

const newCall = (over: Partial<NewOutboundCall> = {}): NewOutboundCall => ({
  tenantId: 't1',
  agentId: 'a1',
  webhookId: 'owh_1',
  idemKey: 'body:abc',
  idemExpiresAt: Date.now() + 60_000,
  phone: '+14155550123',
  contactData: {},
  voiceIntegrationId: 'int_r',
  ...over,
});

describe.each(testEngines())('outbound store on $name', (target) => {
  useEngine(target);

  describe('outbound calls in the store', () => {
    it('a repeated key inside its window finds the first call, also when deliveries race', async () => {
      const results = await Promise.all(Array.from({ length: 12 }, () => out.calls.createOnce(newCall())));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.call._id)).size).toBe(1);
      expect(await out.calls.col.countDocuments({})).toBe(1);
      expect((await out.calls.createOnce(newCall({ webhookId: 'owh_2' }))).created).toBe(true);
    });

    it('after the window the same request is a new call, and the old one keeps its history', async () => {
      const first = await out.calls.createOnce(newCall({ idemExpiresAt: Date.now() - 1 }));
      const second = await out.calls.createOnce(newCall());
      expect(second.created).toBe(true);
      expect(second.call._id).not.toBe(first.call._id);
      expect((await out.calls.byId(first.call._id))?.idemKey).toBe(`body:abc~${first.call._id}`);
      expect((await out.calls.createOnce(newCall())).call._id).toBe(second.call._id);
    });

    it('states only move forward, and each move is in the history', async () => {
      const { call } = await out.calls.createOnce(newCall());
      expect(await out.calls.advance(call._id, 'dialing')).toMatchObject({ state: 'dialing' });
      expect(await out.calls.advance(call._id, 'ended', { providerCallId: 'p1' })).toMatchObject({ state: 'ended', providerCallId: 'p1' });
      expect(await out.calls.advance(call._id, 'in_progress')).toBeNull();
      expect(await out.calls.advance(call._id, 'dialing')).toBeNull();
      expect(await out.calls.advance(call._id, 'failed')).toBeNull();
      expect((await out.calls.advance(call._id, 'synced'))?.history.map((h) => h.state)).toEqual(['queued', 'dialing', 'ended', 'synced']);
      expect(await out.calls.advance(call._id, 'analyzed')).toBeNull();
    });
  });

  describe('per-webhook rate windows', () => {
    it('allows `requests` per window, then says when the window ends', async () => {
      const limit = { requests: 3, perMs: 1000 };
      const t = 1_000_000_400;
      for (let i = 0; i < 3; i++) expect((await out.rates.hit('owh_1', limit, t)).allowed).toBe(true);
      expect(await out.rates.hit('owh_1', limit, t + 100)).toEqual({ allowed: false, retryAfterMs: 500 });
      expect((await out.rates.hit('owh_2', limit, t)).allowed).toBe(true);
      expect((await out.rates.hit('owh_1', limit, t + 600)).allowed).toBe(true);
      expect(await out.rates.col.countDocuments({ key: 'owh_1' })).toBe(1);
    });
  });

  describe('voice calls', () => {
    it('keep the richest snapshot: call_ended never replaces an analysis', async () => {
      const key = { tenantId: 't1', agentId: 'a1', integrationId: 'int_r', providerCallId: 'p1' };
      await out.voiceCalls.record(key, { call_id: 'p1', call_summary: null }, false);
      await out.voiceCalls.record(key, { call_id: 'p1', call_summary: 'Booked.' }, true);
      const after = await out.voiceCalls.record(key, { call_id: 'p1', call_summary: null }, false);
      expect(after).toMatchObject({ analyzed: true, synced: false, call: { call_summary: 'Booked.' } });
      expect(await out.voiceCalls.markSynced(after._id)).toBe(true);
      expect(await out.voiceCalls.markSynced(after._id)).toBe(false);
    });
  });

  describe('triggers', () => {
    it('a wrong secret, a bad phone or a full window writes nothing', async () => {
      const secret = 'whsec_right';
      await out.webhooks.outboundWebhooks.insertOne({
        _id: 'owh_1',
        tenantId: 't1',
        agentId: 'a1',
        secretHash: hashSecret(secret),
        signingSecret: hub.keyring.seal('s'),
        voiceIntegrationId: 'int_r',
        rateLimit: { requests: 2, perMs: 60_000 },
        createdAt: '',
      });
      await expect(triggerCall(out, 'a1', 'whsec_wrong', { phone: '+14155550123' }, undefined)).rejects.toMatchObject({
        code: 'HUB_ERR_UNAUTHORIZED',
      });
      await expect(triggerCall(out, 'a2', secret, { phone: '+14155550123' }, undefined)).rejects.toMatchObject({
        code: 'HUB_ERR_UNAUTHORIZED',
      });
      await expect(triggerCall(out, 'a1', undefined, { phone: '+14155550123' }, undefined)).rejects.toMatchObject({
        code: 'HUB_ERR_UNAUTHORIZED',
      });
      await expect(triggerCall(out, 'a1', secret, { phone: '555' }, undefined)).rejects.toMatchObject({
        code: 'HUB_ERR_VALIDATION',
        field: 'phone',
      });
      const ok = await triggerCall(out, 'a1', secret, { phone: '+14155550123' }, undefined);
      expect(ok.created).toBe(true);
      await expect(triggerCall(out, 'a1', secret, { phone: '+14155550123' }, undefined)).rejects.toMatchObject({
        code: 'HUB_ERR_RATE_LIMITED',
        statusCode: 429,
      });
      expect(await out.calls.col.countDocuments({})).toBe(1);
      expect(await out.queue.col.countDocuments({})).toBe(1);
    });
  });
});
