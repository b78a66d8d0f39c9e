import type { WriteMode } from '@hub/manifests';
import type { Sealed } from '../../security/crypto.js';
import type { SyncConditions } from '../../sync/conditions.js';
import type { CallData } from '../../sync/call-data.js';

/** A tenant: a business that owns agents. */
export type TenantDoc = {
  _id: string;
  name: string;
  apiKeyHash: string;
  /** where health changes are posted (URL and signing secret sealed) */
  healthWebhook?: { url: Sealed; signingSecret: Sealed; createdAt: string };
  createdAt: string;
};

/** Where an integration stands. */
export type IntegrationStatus = 'connected' | 'pending_authorization' | 'needs_reauth' | 'disabled';

/** What the worker last saw of an integration: kept on it so every process and restart agrees. */
export type IntegrationHealthDoc = {
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: { code: string; message: string; step?: string };
  /** failed attempts since the last success */
  failureStreak?: number;
  /** the CRM's own quota header, as of the last attempt, where it reports one */
  quotaRemaining?: number;
};

/** One CRM connected to one agent. */
export type IntegrationDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  type: string;
  name?: string;
  status: IntegrationStatus;
  statusReason?: string;
  config: Record<string, unknown>;
  fieldMappings: Record<string, string>;
  /** write modes of contact fields: overwrite (the default), fill_if_empty, append */
  fieldModes?: Record<string, WriteMode>;
  mappings: Record<string, string>;
  syncConditions?: SyncConditions;
  credentials?: Sealed;
  /** non-secret fields from the OAuth token answer (e.g. instance_url) */
  account: Record<string, unknown>;
  health?: IntegrationHealthDoc;
  createdAt: string;
  updatedAt: string;
};

/** A finished call as received, idempotent on (tenant, agent, call_id). */
export type CallDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  callId: string;
  data: CallData;
  receivedAt: string;
};

/** Where a sync job stands. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** The checkpoint of one step: started (outcome unknown), or finished with what the CRM gave back. */
export interface StepRecord {
  /** `started`: an attempt began writing and its outcome is unknown until the step finishes */
  status: 'started' | 'succeeded' | 'skipped';
  output?: unknown;
  reason?: string;
  at: string;
}

/** One call's sync to one integration; its `steps` are the idempotency ledger. */
export type JobDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  callId: string;
  integrationId: string;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  /** claim order (LANES in the queue): 0 live, 1 backfill; absent on jobs stored before lanes */
  lane?: number;
  /** the bulk import that queued it */
  importId?: string;
  leaseUntil?: number;
  leaseOwner?: string;
  /** the current claim's token: a worker's writes to the job are filtered on it */
  leaseToken?: string;
  /** the number of the current claim, on stores whose claims are confirmed by a numbered mark (FerretDB 1.x) */
  leaseEpoch?: number;
  steps: Record<string, StepRecord>;
  lastError?: Record<string, unknown>;
  reason?: string;
  deadLettered?: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
};

/** One attempt at one step, as shown to the tenant. */
export type SyncLogDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  integrationId: string;
  type: string;
  jobId: string;
  callId: string;
  step: string;
  status: 'success' | 'failed' | 'skipped';
  attempt: number;
  durationMs: number;
  crmIds?: unknown;
  /** true when the step's output was found by its recovery lookup instead of being created again */
  recovered?: boolean;
  error?: Record<string, unknown>;
  requests: unknown[];
  createdAt: string;
};
