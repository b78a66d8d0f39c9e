import { Type, type TSchema } from '@sinclair/typebox';
import { OUTBOUND_STATES } from '@hub/core';

// Response schemas of the API's answers, for the OpenAPI description and for serialization.
// Objects that other layers extend (an integration gets authorize_url, health, stats) or that carry
// connector-defined data are open (additionalProperties: true): serialization must not drop fields.

const Open = { additionalProperties: true } as const;
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

/**
 * A documented answer whose static type stays loose: the engine builds these answers as plain
 * records, so the schema documents and serializes them without a second TypeScript copy.
 */
export function Answer(schema: TSchema) {
  return Type.Unsafe<object>(schema);
}

/** An integration as every integration route shows it (never a credential). */
export const IntegrationView = Answer(
  Type.Object(
    {
      id: Type.String(),
      agent_id: Type.String(),
      type: Type.String({ description: 'the connector id' }),
      name: Type.Optional(Type.String()),
      status: Type.String({ enum: ['connected', 'pending_authorization', 'needs_reauth', 'disabled'] }),
      status_reason: Type.Optional(Nullable(Type.String())),
      config: Type.Object({}, { ...Open, description: "the connector's options, defaults applied" }),
      field_mappings: Type.Record(Type.String(), Type.String()),
      field_modes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'write modes of contact fields' })),
      mappings: Type.Record(Type.String(), Type.String(), { description: "the tenant's JSONata overrides by mapping name" }),
      sync_conditions: Nullable(Type.Object({}, Open)),
      credentials_set: Type.Boolean({ description: 'whether credentials are stored; they are never shown' }),
      created_at: Time,
      updated_at: Time,
      total_syncs: Type.Optional(Type.Integer()),
      successful_syncs: Type.Optional(Type.Integer()),
      failed_syncs: Type.Optional(Type.Integer()),
      health: Type.Optional(
        Type.Object(
          {
            state: Type.String({ enum: ['healthy', 'failing', 'needs_reauth', 'pending', 'disabled'] }),
            last_success_at: Nullable(Type.String()),
            last_failure_at: Nullable(Type.String()),
            last_error: Nullable(Type.Unknown()),
            failure_streak: Type.Integer(),
            quota_remaining: Nullable(Type.Number()),
          },
          { ...Open, description: 'health at a glance (GET and list)' },
        ),
      ),
      stats_24h: Type.Optional(
        Type.Object(
          { total: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer() },
          { ...Open, description: 'syncs finished in the last 24 hours' },
        ),
      ),
      authorize_url: Type.Optional(
        Nullable(Type.String({ description: 'OAuth: where to send the browser while pending_authorization or needs_reauth' })),
      ),
      redirect_uri: Type.Optional(Type.String()),
      authorize_error: Type.Optional(Type.String()),
    },
    Open,
  ),
);

/** The sync endpoint's 202. */
export const IngestAnswer = Answer(
  Type.Object(
    {
      call_id: Type.String(),
      duplicate: Type.Boolean({ description: 'true when this call_id was already received (nothing is synced twice)' }),
      jobs: Type.Array(Type.Object({ id: Type.String(), integration_id: Type.String(), type: Type.String() }, Open)),
    },
    Open,
  ),
);

const Step = Type.Object(
  {
    name: Type.String(),
    status: Type.String({ enum: ['started', 'succeeded', 'skipped'] }),
    crm_ids: Type.Optional(Type.Unknown({ description: 'what the CRM gave back' })),
    reason: Type.Optional(Type.String()),
    at: Time,
  },
  Open,
);

/** One call's sync status per integration, with each step's timeline. */
export const CallStatusAnswer = Answer(
  Type.Object(
    {
      call_id: Type.String(),
      agent_id: Type.String(),
      received_at: Time,
      data: Type.Optional(Type.Object({}, { ...Open, description: 'with include=data: the call as stored (CallData, normalised)' })),
      integrations: Type.Array(
        Type.Object(
          {
            integration_id: Type.String(),
            type: Type.String(),
            job_id: Type.String(),
            status: Type.String({ enum: ['queued', 'running', 'succeeded', 'failed', 'skipped'] }),
            attempts: Type.Integer(),
            reason: Type.Optional(Type.String()),
            next_attempt_at: Type.Optional(Time),
            last_error: Type.Optional(Type.Object({}, { ...Open, description: 'the normalised error: code, message, the CRM status' })),
            dead_lettered: Type.Optional(Type.Boolean()),
            steps: Type.Array(Step),
          },
          Open,
        ),
      ),
    },
    Open,
  ),
);

/** Sync log entries, newest first. */
export const SyncLogsAnswer = Answer(
  Type.Object({
    logs: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          agentId: Type.String(),
          integrationId: Type.String(),
          type: Type.String(),
          jobId: Type.String(),
          callId: Type.String(),
          step: Type.String(),
          status: Type.String({ enum: ['success', 'failed', 'skipped'] }),
          attempt: Type.Integer(),
          durationMs: Type.Number(),
          crmIds: Type.Optional(Type.Unknown()),
          recovered: Type.Optional(Type.Boolean()),
          error: Type.Optional(Type.Object({}, Open)),
          requests: Type.Array(Type.Unknown(), { description: 'redacted summaries of the requests sent' }),
          createdAt: Time,
        },
        Open,
      ),
    ),
  }),
);

/** A job put back in the queue. */
export const RetriedJob = Answer(
  Type.Object({ id: Type.String(), integration_id: Type.String(), type: Type.String(), status: Type.String() }, Open),
);

/** The original spec's sync stats by integration type. */
export const SyncStatsAnswer = Answer(
  Type.Object({
    since: Nullable(Type.String()),
    types: Type.Array(
      Type.Object(
        {
          integration_type: Type.String(),
          agents_connected: Type.Integer(),
          total_syncs: Type.Integer(),
          successful_syncs: Type.Integer(),
          failed_syncs: Type.Integer(),
          success_rate_percent: Nullable(Type.Number()),
        },
        Open,
      ),
    ),
  }),
);

/** The connection test's answer: whether it worked, what the CRM said, the redacted requests. */
export const TestAnswer = Answer(
  Type.Object(
    {
      ok: Type.Boolean(),
      result: Type.Optional(Type.Unknown()),
      error: Type.Optional(Type.Object({}, Open)),
      requests: Type.Array(Type.Unknown()),
    },
    Open,
  ),
);

/** A connector-defined answer (availability, fields, booking): the documented fields plus whatever the connector returns. */
export const ConnectorAnswer = (properties: Record<string, TSchema>, description: string) =>
  Answer(Type.Object({ integration_id: Type.String(), type: Type.String(), ...properties }, { ...Open, description }));

/** A trigger webhook (secrets only in the create answer). */
export const WebhookView = (withSecrets: boolean) =>
  Answer(
    Type.Object(
      {
        id: Type.String(),
        agent_id: Type.String(),
        name: Nullable(Type.String()),
        url: Type.String({ description: 'what the CRM workflow posts to' }),
        integration_id: Nullable(Type.String()),
        voice_integration_id: Type.String(),
        rate_limit: Type.Object({ requests: Type.Integer(), per_seconds: Type.Number() }),
        created_at: Time,
        ...(withSecrets
          ? {
              secret: Type.String({ description: 'X-Webhook-Secret; shown this once' }),
              signing_secret: Type.String({ description: 'signs callbacks (X-Hub-Signature); shown this once' }),
            }
          : {}),
      },
      Open,
    ),
  );

/** A voice-provider webhook URL. */
export const VoiceWebhookView = Answer(
  Type.Object(
    {
      id: Type.String(),
      agent_id: Type.String(),
      integration_id: Type.String(),
      type: Type.String(),
      url: Type.String(),
      created_at: Time,
    },
    Open,
  ),
);

/** An outbound call with its state, provider call id and sync jobs. */
export const OutboundCallView = Answer(
  Type.Object(
    {
      id: Type.String(),
      agent_id: Type.String(),
      state: Type.String({ enum: [...OUTBOUND_STATES] }),
      phone: Type.String(),
      contact_name: Nullable(Type.String()),
      contact_id: Nullable(Type.String()),
      integration_id: Nullable(Type.String()),
      voice_integration_id: Type.String(),
      provider_call_id: Nullable(Type.String()),
      callback: Nullable(Type.Object({ delivered_at: Nullable(Type.String()), error: Nullable(Type.Unknown()) }, Open)),
      error: Nullable(Type.Unknown()),
      sync: Type.Array(
        Type.Object(
          {
            integration_id: Type.String(),
            type: Type.String(),
            job_id: Type.String(),
            status: Type.String(),
            last_error: Type.Optional(Type.Object({}, Open)),
          },
          Open,
        ),
      ),
      history: Type.Array(Type.Object({}, Open)),
      created_at: Time,
      updated_at: Time,
    },
    { ...Open, description: 'also `<provider>_call_id` (e.g. retell_call_id), the same as provider_call_id' },
  ),
);
