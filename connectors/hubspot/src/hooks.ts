import { HubError, nationalDigits, type Hook, type HookContext } from '@hub/core/sdk';

type Props = Record<string, string>;
interface SearchAnswer {
  results?: Array<{ id: string; properties?: Record<string, string | null> }>;
}

/** HubSpot property values are strings; nothing empty is sent. */
function toProps(input: unknown): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/**
 * Filter groups (OR) that find the caller: the E.164 phone as we write it, the same number in
 * HubSpot's digits-only search copy (US/Canada numbers: without the country code), or the email.
 */
export function contactSearchGroups(props: Props): Array<{ filters: Array<{ propertyName: string; operator: 'EQ'; value: string }> }> {
  const eq = (propertyName: string, value: string) => ({ filters: [{ propertyName, operator: 'EQ' as const, value }] });
  const groups = [];
  if (props.phone) {
    groups.push(eq('phone', props.phone), eq('mobilephone', props.phone));
    if (/^\+1\d{10}$/.test(props.phone)) groups.push(eq('hs_searchable_calculated_phone_number', nationalDigits(props.phone)));
  }
  if (props.email) groups.push(eq('email', props.email));
  return groups;
}

async function searchContact(
  ctx: HookContext,
  props: Props,
): Promise<{ id: string; properties?: Record<string, string | null> } | undefined> {
  const filterGroups = contactSearchGroups(props);
  if (filterGroups.length === 0) return undefined;
  const res = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}/crm/v3/objects/contacts/search`,
    body: { filterGroups, properties: ['email', 'phone', 'firstname', 'lastname'], sorts: [], limit: 1, after: '0' },
  });
  return (res.body as SearchAnswer).results?.[0];
}

async function search(ctx: HookContext, props: Props): Promise<string | undefined> {
  return (await searchContact(ctx, props))?.id;
}

/** Read-only lookup by phone or email (the voice agent's find_customer and inbound lookup): the contact with its name and email, or null. */
export const findContact: Hook = async (ctx, input) => {
  const hit = await searchContact(ctx, toProps(input));
  if (!hit) return null;
  const p = hit.properties ?? {};
  return { id: hit.id, firstname: p.firstname ?? null, lastname: p.lastname ?? null, email: p.email ?? null, phone: p.phone ?? null };
};

const contactUrl = (ctx: HookContext, id: unknown) => `${ctx.baseUrl}/crm/v3/objects/contacts/${encodeURIComponent(String(id))}`;

/** The contact's current values of the properties the sync writes (`GET /crm/v3/objects/contacts/{id}?properties=`). */
export const readContact: Hook = async (ctx, input) => {
  const { id, fields } = input as { id: string; fields?: string[] };
  const res = await ctx.http.send({ method: 'GET', url: contactUrl(ctx, id), query: { properties: fields ?? [] } });
  return ((res.body as { properties?: Record<string, string | null> }).properties ?? {}) as Record<string, unknown>;
};

/** Writes properties onto an existing contact (`PATCH /crm/v3/objects/contacts/{id}`); nothing is sent when none are left. */
export const updateContact: Hook = async (ctx, input) => {
  const { id, fields } = input as { id: string; fields: Record<string, unknown> };
  const properties = toProps(fields);
  if (Object.keys(properties).length === 0) return { updatedFields: [] };
  await ctx.http.send({ method: 'PATCH', url: contactUrl(ctx, id), body: { properties } });
  return { updatedFields: Object.keys(properties) };
};

/**
 * Finds the caller's contact by phone or email, else makes it: by email through the native batch
 * upsert (HubSpot keeps email unique, so concurrent calls cannot make two), otherwise a plain create
 * whose 409 "Existing ID: N" names the contact that already exists.
 */
export const upsertContact: Hook = async (ctx, input) => {
  const props = toProps(input);
  const found = await search(ctx, props);
  // Every field is 'overwrite' here (other modes go through findContact, readContact and updateContact).
  if (found) return { id: found, created: false, ...((await ctx.run('updateContact', { id: found, fields: props })) as object) };
  if (props.email) {
    const res = await ctx.http.send({
      method: 'POST',
      url: `${ctx.baseUrl}/crm/v3/objects/contacts/batch/upsert`,
      body: { inputs: [{ id: props.email, idProperty: 'email', properties: props }] },
    });
    const row = (res.body as { results?: Array<{ id: string; new?: boolean }> }).results?.[0];
    if (!row?.id)
      throw new HubError('HUB_ERR_CRM_REJECTED', 'hubspot: the contact upsert answered without a contact', { retryable: false });
    return { id: row.id, created: row.new === true };
  }
  const res = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}/crm/v3/objects/contacts`,
    body: { properties: props, associations: [] },
    accept: [409],
  });
  if (res.status === 409) {
    const existing = /Existing ID:\s*(\d+)/.exec(String((res.body as { message?: string }).message ?? ''))?.[1];
    if (!existing)
      throw new HubError(
        'HUB_ERR_CRM_REJECTED',
        `hubspot answered 409: ${String((res.body as { message?: string }).message ?? 'conflict')}`,
        { retryable: false },
      );
    return { id: existing, created: false };
  }
  return { id: String((res.body as { id: string }).id), created: true };
};
export { findCallNote, findCallLog } from './recover.js';
export { logCall } from './recording.js';
