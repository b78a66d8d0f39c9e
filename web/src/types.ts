/** Shapes of the public API's answers, as the console reads them (fields it does not use are left out). */

import type { StepPreview } from '@hub/core/preview';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

export interface Connector {
  id: string;
  name: string;
  description: string | null;
  auth_type: string;
  capabilities: string[];
  credentials: Array<{ name: string; label?: string; description?: string; required: boolean }>;
  config_schema: JsonSchema;
  mappings: string[];
  /** the connector's default JSONata per mapping name, when the hub publishes it */
  default_mappings?: Record<string, string>;
}

export type HealthState = 'healthy' | 'failing' | 'needs_reauth' | 'disabled' | 'pending';

export interface Health {
  state: HealthState;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: unknown;
  failure_streak: number;
  quota_remaining: number | null;
}

export interface SyncConditions {
  call_outcome?: string[];
  min_duration_seconds?: number;
  when?: string;
}

export interface Integration {
  id: string;
  agent_id: string;
  type: string;
  name?: string | null;
  status: string;
  status_reason?: string;
  config: Record<string, unknown>;
  field_mappings: Record<string, string>;
  mappings: Record<string, string>;
  sync_conditions: SyncConditions | null;
  credentials_set: boolean;
  authorize_url?: string | null;
  authorize_error?: string;
  total_syncs?: number;
  successful_syncs?: number;
  failed_syncs?: number;
  health?: Health;
  stats_24h?: { total: number; succeeded: number; failed: number };
}

export interface AgentSummary {
  agent_id: string;
  integrations: number;
  last_call_at: string | null;
}

export interface CallRow {
  call_id: string;
  started_at: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  call_outcome: string | null;
  integrations: Array<{ integration_id: string; type: string; status: string }>;
}

export interface CallStep {
  name: string;
  status: string;
  crm_ids?: unknown;
  reason?: string;
  at?: string;
}

export interface CallJob {
  integration_id: string;
  type: string;
  job_id: string;
  status: string;
  attempts: number;
  reason?: string;
  next_attempt_at?: string;
  last_error?: { code?: string; message?: string; [k: string]: unknown };
  dead_lettered?: boolean;
  steps: CallStep[];
}

export interface CallStatus {
  call_id: string;
  agent_id: string;
  received_at: string;
  integrations: CallJob[];
}

export interface SyncLog {
  id: string;
  integrationId: string;
  type: string;
  jobId: string;
  callId: string;
  step: string;
  status: 'success' | 'failed' | 'skipped';
  attempt: number;
  durationMs: number;
  crmIds?: unknown;
  recovered?: boolean;
  error?: { code?: string; message?: string; [k: string]: unknown };
  requests: unknown[];
  createdAt: string;
}

/** The dry run's requests and steps: the hub's own types. */
export type { PreviewRequest, StepPreview } from '@hub/core/preview';

export interface MappingPreview {
  steps: Record<string, StepPreview>;
  errors: Record<string, string>;
  unknown_fields?: string[];
  fields_unchecked?: string;
}

export interface OutboundWebhook {
  id: string;
  name: string | null;
  url: string;
  integration_id: string | null;
  voice_integration_id: string;
  rate_limit: { requests: number; per_seconds: number };
  created_at: string;
  secret?: string;
  signing_secret?: string;
}

export interface VoiceHook {
  id: string;
  integration_id: string;
  type: string;
  url: string;
  created_at: string;
}

export interface OutboundCall {
  id: string;
  state: string;
  phone: string;
  contact_name: string | null;
  provider_call_id: string | null;
  error: unknown;
  created_at?: string;
  history?: Array<{ state: string; at: string }>;
}

export interface StatsBucket {
  date: string;
  type: string;
  total: number;
  succeeded: number;
  failed: number;
}
