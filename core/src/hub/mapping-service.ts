import { HubError, inputError } from '../errors/hub-error.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { normalizeCall, type CallData } from '../sync/call-data.js';
import { dryRunSteps } from '../sync/dry-run.js';
import { checkTenantExpressions, connectorFor } from './integrations-service.js';
import { checkFieldModes, effectiveModes, modesOf } from '../mapping/write-modes.js';
import { guarded, ready } from './scheduling-service.js';
import { sampleCall } from './test-service.js';

/** What a tenant may try before saving: a call, and mappings that replace the stored ones. */
export interface PreviewInput {
  call?: CallData;
  mappings?: Record<string, string>;
  field_mappings?: Record<string, string>;
  /** proposed write modes of contact fields, in place of the stored ones */
  field_modes?: Record<string, string>;
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
 * A dry run of the connector's sync plan over a call (the given one or a sample), with proposed
 * mappings in place of the stored ones: per step, the exact requests a sync would send (method, URL,
 * headers and body, secrets removed), made by the real step code against a recorder that answers
 * lookups "not found" and writes with placeholder ids. Nothing is sent to the CRM and nothing is saved.
 */
export async function previewMappings(hub: HubServices, doc: IntegrationDoc, input: PreviewInput): Promise<Record<string, unknown>> {
  checkTenantExpressions(input.mappings, undefined);
  const mapped = new Map<string, unknown>();
  const fieldMappings = input.field_mappings ?? doc.fieldMappings;
  const proposedModes = checkFieldModes(connectorFor(hub, doc.type), input.field_modes);
  const rt = hub.runtimeFor(
    doc,
    { dryRun: true, onMap: (name, value) => mapped.set(name, value) },
    { mappings: { ...doc.mappings, ...input.mappings }, fieldMappings },
  );
  for (const name of Object.keys(input.mappings ?? {})) {
    if (!rt.connector.manifest.mappings?.[name]) throw inputError(`mappings.${name}`, `${doc.type} has no mapping named ${name}`);
  }
  const call = input.call ? normalizeCall(input.call, doc.agentId) : sampleCall(doc.agentId);
  const steps = await dryRunSteps(rt, call as Record<string, unknown>, mapped);
  const errors = Object.fromEntries(Object.entries(steps).flatMap(([step, s]) => (s.error ? [[step, s.error]] : [])));
  // The contact's fields also show how each is written onto a contact the CRM already has.
  if (steps.contact?.input !== undefined)
    steps.contact.modes = modesOf(steps.contact.input, effectiveModes(rt.connector.manifest, proposedModes ?? doc.fieldModes));
  const out: Record<string, unknown> = { integration_id: doc._id, type: doc.type, call, steps, errors };
  if (input.check_fields && rt.has('listFields')) {
    // The check asks the CRM itself; a CRM that cannot answer now leaves the dry run as it is, saying why.
    const unknown = await unknownFields(hub, doc, fieldMappings).catch((err: Error) => ((out.fields_unchecked = err.message), undefined));
    if (unknown) out.unknown_fields = unknown;
    // The simple field mappings are written by the contact step.
    if (unknown?.length && steps.contact) steps.contact.unknown_fields = unknown;
  }
  return out;
}

async function unknownFields(hub: HubServices, doc: IntegrationDoc, fieldMappings: Record<string, string>): Promise<string[]> {
  const { fields } = (await listFields(hub, doc)) as { fields: Array<Record<string, unknown>> };
  const known = new Set(fields.flatMap((f) => [f.name, f.key, f.id, f.label].filter((v): v is string => typeof v === 'string')));
  return Object.values(fieldMappings).filter((target) => !known.has(target.split('.')[0]));
}
