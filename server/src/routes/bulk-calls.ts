import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CallDataSchema,
  MAX_IMPORT_CALLS,
  importCalls,
  importProgress,
  inputError,
  jsonDepthError,
  type CallData,
  type ImportLineError,
} from '@hub/core';
import { AgentParams, errors as errorAnswers } from './schemas.js';
import { Answer } from './responses.js';

const LineError = Type.Object(
  { line: Type.Integer(), call_id: Type.Optional(Type.String()), field: Type.String(), message: Type.String() },
  { additionalProperties: true },
);
import { describeValidation, type ValidationItem } from '../plugins/errors.js';

/** A bulk body may be far larger than one call's; 10,000 calls with long transcripts fit. */
const BULK_BODY_LIMIT = 64 * 1024 * 1024;
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/** One item of a bulk body with the line (NDJSON) or 1-based position (JSON array) it came from. */
type Item = { line: number; value?: unknown; parseError?: string };

/** The items of a JSON array or an NDJSON text; blank lines are skipped, a line that is not JSON is kept as an error. */
export function bulkItems(body: unknown): Item[] {
  if (Array.isArray(body)) return body.map((value, i) => ({ line: i + 1, value }));
  if (typeof body !== 'string')
    throw inputError('body', 'must be a JSON array of calls or NDJSON (one call per line, content-type application/x-ndjson)');
  const items: Item[] = [];
  body.split('\n').forEach((text, i) => {
    if (text.trim() === '') return;
    const tooDeep = jsonDepthError(text);
    if (tooDeep) return void items.push({ line: i + 1, parseError: tooDeep.message });
    try {
      items.push({ line: i + 1, value: JSON.parse(text) });
    } catch (err) {
      items.push({ line: i + 1, parseError: `is not valid JSON (${(err as Error).message})` });
    }
  });
  return items;
}

/** Bulk sync of past calls, and the progress of an import. */
export const bulkCallRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Scoped to this plugin: NDJSON arrives as text and is split by line here.
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post(
    '/api/agents/:agentId/calls/bulk',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['calls'],
        summary: 'Sync past calls in bulk',
        description: `Up to ${MAX_IMPORT_CALLS} past calls as a JSON array or NDJSON (content-type application/x-ndjson), each checked like POST …/calls, idempotent on call_id and synced behind live calls. Bad lines are answered by line and field; the rest are accepted. Follow progress at …/imports/:importId.`,
        params: AgentParams,
        response: {
          202: Answer(
            Type.Object(
              {
                import_id: Type.String(),
                accepted: Type.Integer(),
                duplicates: Type.Integer(),
                rejected: Type.Integer(),
                errors: Type.Array(LineError),
              },
              { additionalProperties: true },
            ),
          ),
          ...errorAnswers(400, 401, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const items = bulkItems(req.body);
      if (items.length === 0) throw inputError('body', 'holds no calls');
      if (items.length > MAX_IMPORT_CALLS)
        throw inputError('body', `holds ${items.length} calls; at most ${MAX_IMPORT_CALLS} per request (split the file)`);
      // The same compiled schema and Ajv options as POST /calls, so a call valid there is valid here.
      const validate = req.compileValidationSchema(CallDataSchema);
      const valid: { line: number; call: CallData }[] = [];
      const errors: ImportLineError[] = [];
      for (const item of items) {
        const callId =
          typeof (item.value as CallData | undefined)?.call_id === 'string' ? { call_id: (item.value as CallData).call_id } : {};
        if (item.parseError) errors.push({ line: item.line, field: 'call', message: item.parseError });
        else if (validate(item.value)) valid.push({ line: item.line, call: item.value as CallData });
        else
          for (const p of describeValidation('call', (validate.errors ?? []) as ValidationItem[]))
            errors.push({ line: item.line, ...callId, ...p });
      }
      const result = await importCalls(app.hub, req.tenantId, req.params.agentId, valid, errors, items.length - valid.length);
      return reply.status(202).send(result);
    },
  );

  app.get(
    '/api/agents/:agentId/imports/:importId',
    {
      schema: {
        tags: ['calls'],
        summary: 'Progress of a bulk import',
        description: "A bulk import's counts and the progress of its sync jobs (done once every job finished).",
        params: Type.Object({ agentId: AgentParams.properties.agentId, importId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: {
          200: Answer(
            Type.Object(
              {
                import_id: Type.String(),
                agent_id: Type.String(),
                created_at: Type.String(),
                status: Type.String({ enum: ['syncing', 'done'] }),
                total: Type.Integer(),
                accepted: Type.Integer(),
                duplicates: Type.Integer(),
                rejected: Type.Integer(),
                errors: Type.Array(LineError),
                jobs: Type.Object({}, { additionalProperties: true, description: 'job counts: total and per status' }),
                progress_percent: Type.Number(),
              },
              { additionalProperties: true },
            ),
          ),
          ...errorAnswers(400, 401, 404),
        },
      },
    },
    async (req) => importProgress(app.hub, req.tenantId, req.params.agentId, req.params.importId),
  );
};
