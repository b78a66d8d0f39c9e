/** GoHighLevel custom fields: turning loose contact keys into `customFields` entries by id. */
import { HubError, type HookContext } from '@hub/core/sdk';

/** The contact fields `POST /contacts/upsert` knows (UpsertContactDto in contacts.json); anything else is a custom field. */
export const UPSERT_FIELDS = new Set([
  'firstName',
  'lastName',
  'name',
  'email',
  'locationId',
  'gender',
  'phone',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'dnd',
  'dndSettings',
  'inboundDndSettings',
  'tags',
  'customFields',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
  'createNewIfDuplicateAllowed',
]);

/** A custom field definition as `GET /locations/{id}/customFields` lists it. */
export interface FieldDef {
  id: string;
  name?: string;
  fieldKey?: string;
  dataType?: string;
}

/** One `customFields` entry of the upsert body (TextField and friends: `id` is required). */
export interface CustomFieldValue {
  id: string;
  key?: string;
  field_value: unknown;
}

/** Splits a contact body into the fields GHL knows and the rest, flattening nested objects to dotted names. */
export function splitFields(body: Record<string, unknown>): { known: Record<string, unknown>; loose: Record<string, unknown> } {
  const known: Record<string, unknown> = {};
  const loose: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (UPSERT_FIELDS.has(k)) known[k] = v;
    // A simple mapping to "contact.call_outcome" arrives as a nested object; GHL names the field by that dotted key.
    else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [sub, sv] of Object.entries(v)) loose[`${k}.${sub}`] = sv;
    else loose[k] = v;
  }
  return { known, loose };
}

function norm(s: string | undefined): string {
  return (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Finds the definition a loose key names: its id, its fieldKey (with or without "contact."), or its display name. */
export function findDef(defs: FieldDef[], key: string): FieldDef | undefined {
  const bare = key.replace(/^contact\./, '');
  return (
    defs.find((d) => d.id === key) ??
    defs.find((d) => d.fieldKey === key || d.fieldKey === `contact.${bare}`) ??
    defs.find((d) => norm(d.name) === norm(bare))
  );
}

/** A value in the shape the field's type takes: lists for checkboxes and multi-selects, numbers for numeric fields. */
export function fieldValue(def: FieldDef, value: unknown): unknown {
  const type = def.dataType ?? 'TEXT';
  if (type === 'CHECKBOX' || type === 'MULTIPLE_OPTIONS') return Array.isArray(value) ? value.map(String) : [String(value)];
  if ((type === 'NUMERICAL' || type === 'MONETORY') && Number.isFinite(Number(value))) return Number(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Resolves loose keys to `customFields` entries; keys no field matches are returned as `unmatched`. */
export function toCustomFields(defs: FieldDef[], loose: Record<string, unknown>): { entries: CustomFieldValue[]; unmatched: string[] } {
  const entries: CustomFieldValue[] = [];
  const unmatched: string[] = [];
  for (const [key, value] of Object.entries(loose)) {
    if (value === undefined || value === null || value === '') continue;
    const def = findDef(defs, key);
    if (def) entries.push({ id: def.id, field_value: fieldValue(def, value) });
    else unmatched.push(key);
  }
  return { entries, unmatched };
}

/**
 * The connection's location: `config.location_id`, else the one an OAuth token was issued for
 * (kept from the token answer as `account.locationId`).
 */
export function locationOf(ctx: HookContext): string {
  const id = ctx.config.location_id ?? ctx.connection.account.locationId;
  if (typeof id !== 'string' || !id)
    throw new HubError('HUB_ERR_MAPPING', 'gohighlevel: no location: set config.location_id', {
      field: 'config.location_id',
      retryable: false,
    });
  return id;
}

/** The location's contact custom fields. */
export async function contactFieldDefs(ctx: HookContext): Promise<FieldDef[]> {
  const locationId = encodeURIComponent(locationOf(ctx));
  const answer = await ctx.http.send({
    method: 'GET',
    url: `${ctx.baseUrl}/locations/${locationId}/customFields`,
    query: { model: 'contact' },
  });
  const body = answer.body as { customFields?: FieldDef[] } | undefined;
  return body?.customFields ?? [];
}
