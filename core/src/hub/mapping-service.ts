import { HubError, inputError } from '../errors/hub-error.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { normalizeCall, type CallData } from '../sync/call-data.js';
import { STEPS, stepPlan } from '../sync/steps.js';
import { checkTenantExpressions } from './integrations-service.js';
import { guarded, ready } from './scheduling-service.js';
import { sampleCall } from './test-service.js';

/** The contact id later steps see in a preview, where no CRM was asked. */
export const PREVIEW_CONTACT_ID = '100000001';

/** What a tenant may try before saving: a call, and mappings that replace the stored ones. */
export interface PreviewInput {
  call?: CallData;
  mappings?: Record<string, string>;
  field_mappings?: Record<string, string>;
  /** also fetch the CRM's field list and name the field_mappings targets it does not have */
  check_fields?: boolean;
}

/** The CRM's own field list (the connector's listFields), to write field mappings against. */
export async function listFields(hub: HubServices, doc: IntegrationDoc): Promise<Record<string, unknown>> {
  ready(doc);
  const rt = hub.runtimeFor(doc);
  if (!rt.has('listFields')) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} does not list its fields`);
  const fields = await guarded(hub, doc, () => rt.execute('listFields', undefined, { call: {}, steps: {} }));
  return { integration_id: doc._id, type: doc.type, fields: Array.isArray(fields) ? fields : fields === null ? [] : [fields] };
}

/**
 * Evaluates every mapping of the connector's sync plan over a call (the given one or a sample),
 * with proposed mappings in place of the stored ones: what each step would send, without sending.
 * Later steps see a placeholder contact id (numeric, so CRMs with number ids can cast it).
 */
export async function previewMappings(hub: HubServices, doc: IntegrationDoc, input: PreviewInput): Promise<Record<string, unknown>> {
  checkTenantExpressions(input.mappings, undefined);
  const rt = hub.runtimeFor(
    doc,
    {},
    { mappings: { ...doc.mappings, ...input.mappings }, fieldMappings: input.field_mappings ?? doc.fieldMappings },
  );
  for (const name of Object.keys(input.mappings ?? {})) {
    if (!rt.connector.manifest.mappings?.[name]) throw inputError(`mappings.${name}`, `${doc.type} has no mapping named ${name}`);
  }
  const call = input.call ? normalizeCall(input.call, doc.agentId) : sampleCall(doc.agentId);
  const ctx = { call: call as Record<string, unknown>, steps: { contact: { id: PREVIEW_CONTACT_ID } } as Record<string, unknown> };
  const steps: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const step of stepPlan(rt.connector.manifest)) {
    const lacking = STEPS[step].lacks(call);
    if (lacking) steps[step] = { skipped: lacking };
    else if (!rt.connector.manifest.mappings?.[step] && !(step === 'contact' && Object.keys(rt.connection.fieldMappings ?? {}).length))
      steps[step] = { input: null };
    else
      await rt.map(step, ctx).then(
        (value) => (steps[step] = { input: value ?? null }),
        (err: Error) => (errors[step] = err.message),
      );
  }
  const out: Record<string, unknown> = { integration_id: doc._id, type: doc.type, call, steps, errors };
  if (input.check_fields) out.unknown_fields = await unknownFields(hub, doc, input.field_mappings ?? doc.fieldMappings);
  return out;
}

async function unknownFields(hub: HubServices, doc: IntegrationDoc, fieldMappings: Record<string, string>): Promise<string[]> {
  const { fields } = (await listFields(hub, doc)) as { fields: Array<Record<string, unknown>> };
  const known = new Set(fields.flatMap((f) => [f.name, f.key, f.id, f.label].filter((v): v is string => typeof v === 'string')));
  return Object.values(fieldMappings).filter((target) => !known.has(target.split('.')[0]));
}
