import type { Sealed } from '../security/crypto.js';
import type { CallData } from '../sync/call-data.js';

/** A CRM's way in to trigger calls: authenticated by its secret, rate limited, optionally bound to a result integration. */
export type OutboundWebhookDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  name?: string;
  /** SHA-256 of the secret the CRM sends as X-Webhook-Secret (the secret itself is shown once) */
  secretHash: string;
  /** HMAC key for signing callbacks, sealed: unlike the secret, the hub must be able to use it */
  signingSecret: Sealed;
  /** the integration results go back to (its contact is the one the call is about) */
  integrationId?: string;
  /** the integration that places the calls (a connector with the `outbound` capability) */
  voiceIntegrationId: string;
  rateLimit: { requests: number; perMs: number };
  createdAt: string;
};

/** Where an outbound call stands; it only moves forward (or to failed before it is placed). */
export type OutboundState = 'queued' | 'dialing' | 'in_progress' | 'ended' | 'analyzed' | 'synced' | 'failed';

/** One call a CRM asked for, from the trigger to the synced result. */
export type OutboundCallDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  webhookId: string;
  /** `key:<Idempotency-Key>` or `body:<sha256>`; unique per webhook while the window lasts */
  idemKey: string;
  idemExpiresAt: number;
  state: OutboundState;
  phone: string;
  contactName?: string;
  contactId?: string;
  contactData: Record<string, unknown>;
  callbackUrl?: string;
  voiceIntegrationId: string;
  integrationId?: string;
  providerCallId?: string;
  error?: Record<string, unknown>;
  history: { state: OutboundState; at: string }[];
  syncJobs?: { id: string; integration_id: string; type: string }[];
  callbackDeliveredAt?: string;
  callbackError?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
};

/** The per-tenant URL a voice provider posts its call events to, verified with one integration's key. */
export type VoiceWebhookDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  integrationId: string;
  type: string;
  createdAt: string;
};

/** One provider call as its events arrive: the latest CallData and whether it has been synced. */
export type VoiceCallDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  integrationId: string;
  providerCallId: string;
  outboundCallId?: string;
  call: CallData;
  analyzed: boolean;
  synced: boolean;
  syncedAt?: string;
  updatedAt: string;
};
