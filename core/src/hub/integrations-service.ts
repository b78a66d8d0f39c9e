import type { Manifest } from '@hub/manifests';
import { HubError, inputError } from '../errors/hub-error.js';
import { assertPublicUrl, assertSafeUrl } from '../http/safe-url.js';
import { checkExpression } from '../mapping/expressions.js';
import type { Credentials } from '../auth/types.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc, IntegrationStatus } from '../store/repos/documents.js';
import type { SyncConditions } from '../sync/conditions.js';
import { validateConfig } from './validate-config.js';
import { credentialField, readTestFlag, verifyCredentials } from './verify-credentials.js';
import { checkFieldModes } from '../mapping/write-modes.js';

/** The connect body of the original spec: `{type, api_key | webhook_url | auth_data, config}` and more. */
export interface ConnectInput {
  type: string;
  name?: string;
  auth_data?: Record<string, unknown>;
  config?: Record<string, unknown>;
  field_mappings?: Record<string, string>;
  field_modes?: Record<string, string>;
  mappings?: Record<string, string>;
  sync_conditions?: SyncConditions;
  /** false skips a webhook connector's test event */
  test?: boolean;
  [credential: string]: unknown;
}

/** A change to an integration (PUT). */
export interface UpdateInput {
  name?: string;
  auth_data?: Record<string, unknown>;
  config?: Record<string, unknown>;
  field_mappings?: Record<string, string>;
  field_modes?: Record<string, string>;
  mappings?: Record<string, string>;
  sync_conditions?: SyncConditions | null;
  status?: 'connected' | 'disabled';
  test?: boolean;
  [credential: string]: unknown;
}

/** Looks up a connector by type, or a 400 that lists the known ones. */
export function connectorFor(hub: HubServices, type: string, field = 'type'): Manifest {
  const c = hub.registry.get(type);
  if (!c)
    throw inputError(
      field,
      `unknown integration type "${type}"; known: ${hub.registry
        .list()
        .map((x) => x.manifest.id)
        .join(', ')}`,
    );
  return c.manifest;
}

/** Collects credential fields from the body (top level or auth_data), checked against the manifest. */
export function readCredentials(hub: HubServices, m: Manifest, body: Record<string, unknown>, partial: boolean): Credentials | undefined {
  const fields = m.credentials ?? {};
  const authData = (body.auth_data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(authData))
    if (!(key in fields))
      throw inputError(`auth_data.${key}`, `is not a credential of ${m.id}; expected ${Object.keys(fields).join(', ') || 'none'}`);
  const out: Credentials = {};
  let any = false;
  for (const [name, spec] of Object.entries(fields)) {
    const value = body[name] ?? authData[name];
    const where = body[name] !== undefined ? name : `auth_data.${name}`;
    if (value === undefined || value === null || value === '') {
      if (!partial && spec.required !== false && m.auth.type !== 'oauth2')
        throw inputError(name, `is required to connect ${m.name} (${spec.label})`);
      continue;
    }
    if (typeof value !== 'string') throw inputError(where, 'must be a string');
    if (spec.format === 'url') assertSafeUrl(value, where, hub.settings.allowPrivateUrls);
    out[name] = value.trim();
    any = true;
  }
  return any ? out : undefined;
}

/** Resolves the host of every URL credential in the body: one that points at a private address is a 400 naming its field. */
export async function checkCredentialHosts(hub: HubServices, m: Manifest, body: Record<string, unknown>): Promise<void> {
  const authData = (body.auth_data ?? {}) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(m.credentials ?? {})) {
    const value = body[name] ?? authData[name];
    if (spec.format !== 'url' || typeof value !== 'string' || value === '') continue;
    await assertPublicUrl(
      value.trim(),
      body[name] !== undefined ? name : `auth_data.${name}`,
      hub.settings.allowPrivateUrls,
      hub.settings.resolveHost,
    );
  }
}

/** Rejects tenant expressions that do not compile, naming the field. */
export function checkTenantExpressions(mappings: Record<string, string> | undefined, conditions: SyncConditions | undefined | null): void {
  for (const [name, expr] of Object.entries(mappings ?? {})) {
    const problem = checkExpression(expr);
    if (problem) throw inputError(`mappings.${name}`, problem);
  }
  if (conditions?.when) {
    const problem = checkExpression(conditions.when, ['call']);
    if (problem) throw inputError('sync_conditions.when', problem);
  }
}

/** Fields both the connect body and a PUT take, besides the connector's own credential names. */
const BODY_FIELDS = ['name', 'auth_data', 'config', 'field_mappings', 'field_modes', 'mappings', 'sync_conditions', 'test'];

/** Refuses the first field that is neither a body field, one of `extra`, nor a credential of `m`. */
function rejectUnknownFields(m: Manifest, body: object, extra: string[], why: string): void {
  const known = new Set([...BODY_FIELDS, ...extra, ...Object.keys(m.credentials ?? {})]);
  for (const key of Object.keys(body)) if (!known.has(key)) throw inputError(key, why);
}

/** Creates an integration from the connect body; OAuth types start pending authorization. */
export async function connect(hub: HubServices, tenantId: string, agentId: string, body: ConnectInput): Promise<IntegrationDoc> {
  const m = connectorFor(hub, body.type);
  rejectUnknownFields(m, body, ['type'], `is not a field of the connect body for ${m.id}`);
  const credentials = readCredentials(hub, m, body, false);
  await checkCredentialHosts(hub, m, body);
  const config = validateConfig(m, body.config);
  checkTenantExpressions(body.mappings, body.sync_conditions);
  const fieldModes = checkFieldModes(m, body.field_modes);
  for (const name of Object.keys(body.mappings ?? {}))
    if (!m.mappings?.[name])
      throw inputError(`mappings.${name}`, `${m.id} has no mapping named ${name}; known: ${Object.keys(m.mappings ?? {}).join(', ')}`);
  const status: IntegrationStatus = m.auth.type === 'oauth2' ? 'pending_authorization' : 'connected';
  // The original spec's workflow: the platform validates the credentials before the integration exists.
  if (readTestFlag(m, body)) await verifyCredentials(hub, m, { tenantId, agentId, config }, credentials ?? {}, credentialField(m, body));
  return hub.repos.integrations.create({
    tenantId,
    agentId,
    type: m.id,
    name: body.name ?? m.name,
    status,
    config,
    fieldMappings: body.field_mappings ?? {},
    ...(fieldModes && Object.keys(fieldModes).length ? { fieldModes } : {}),
    mappings: body.mappings ?? {},
    ...(body.sync_conditions ? { syncConditions: body.sync_conditions } : {}),
    account: {},
    credentials,
  });
}

/** Applies a PUT: config re-validated as a whole, credentials replaced only when given. */
export async function updateIntegration(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  id: string,
  body: UpdateInput,
): Promise<IntegrationDoc> {
  const current = await hub.repos.integrations.get(tenantId, agentId, id);
  const m = connectorFor(hub, current.type);
  rejectUnknownFields(m, body, ['status'], 'is not a field that can be changed');
  const patch: Partial<Omit<IntegrationDoc, 'credentials'>> & { credentials?: Credentials } = {};
  const given = readCredentials(hub, m, body, true);
  await checkCredentialHosts(hub, m, body);
  if (given) patch.credentials = { ...hub.repos.integrations.credentials(current), ...given };
  if (body.config !== undefined) patch.config = validateConfig(m, mergeConfig(current.config, body.config));
  // New credentials are checked like at connect, before they replace the old ones.
  if (given && readTestFlag(m, body))
    await verifyCredentials(hub, m, { ...current, config: patch.config ?? current.config }, patch.credentials!, credentialField(m, body));
  checkTenantExpressions(body.mappings, body.sync_conditions);
  if (body.name !== undefined) patch.name = body.name;
  if (body.field_mappings !== undefined) patch.fieldMappings = body.field_mappings;
  if (body.field_modes !== undefined) patch.fieldModes = checkFieldModes(m, body.field_modes) ?? {};
  if (body.mappings !== undefined) patch.mappings = body.mappings;
  if (body.sync_conditions !== undefined) patch.syncConditions = body.sync_conditions ?? undefined;
  if (body.status !== undefined) {
    if (current.status === 'pending_authorization' || current.status === 'needs_reauth') {
      if (body.status === 'connected')
        throw new HubError('HUB_ERR_CONFLICT', `integration ${id} is ${current.status}; authorize it to connect`, { field: 'status' });
    }
    patch.status = body.status;
  }
  return hub.repos.integrations.update(tenantId, id, patch);
}

/**
 * A config change as a JSON merge patch (RFC 7396) at the top level: given options replace stored
 * ones, one set to null is removed (its default, if any, applies again), the rest stay as stored,
 * so the original spec's partial bodies keep working and a form can still clear an option.
 */
export function mergeConfig(stored: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored, ...change };
  for (const [key, value] of Object.entries(change)) if (value === null) delete out[key];
  return out;
}

/** The integration as the API shows it: never a credential, only which ones are set. */
export function publicIntegration(doc: IntegrationDoc, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: doc._id,
    agent_id: doc.agentId,
    type: doc.type,
    name: doc.name,
    status: doc.status,
    ...(doc.statusReason ? { status_reason: doc.statusReason } : {}),
    config: doc.config,
    field_mappings: doc.fieldMappings,
    field_modes: doc.fieldModes ?? {},
    mappings: doc.mappings,
    sync_conditions: doc.syncConditions ?? null,
    credentials_set: doc.credentials ? true : false,
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
    ...extra,
  };
}
