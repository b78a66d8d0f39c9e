import { HubError, nationalDigits, type Hook, type HookContext } from '@hub/core/sdk';
import { API } from './api.js';

type Fields = Record<string, unknown>;

/** A SOQL string literal: backslashes and quotes escaped, as the SOQL reference requires. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The digits SOSL searches phone fields with: US/Canada numbers without the country code. */
export function phoneSearchDigits(phone: string): string | undefined {
  const digits = nationalDigits(phone);
  return digits.length < 7 ? undefined : digits;
}

function objectType(ctx: HookContext): 'Lead' | 'Contact' {
  return ctx.config.create_as === 'Contact' ? 'Contact' : 'Lead';
}

/** Finds the caller in create_as: by email with SOQL (exact, no index lag), else by phone with SOSL (ignores formatting). */
export const findContact: Hook = async (ctx, input) => {
  const type = objectType(ctx);
  const f = (input ?? {}) as Fields;
  if (typeof f.Email === 'string' && f.Email) {
    const res = await ctx.http.send({
      method: 'GET',
      url: `${ctx.baseUrl}${API}/query`,
      query: { q: `SELECT Id FROM ${type} WHERE Email = ${soqlString(f.Email)} LIMIT 1` },
    });
    const id = (res.body as { records?: Array<{ Id: string }> }).records?.[0]?.Id;
    if (id) return { id, type, created: false };
  }
  const digits = typeof f.Phone === 'string' ? phoneSearchDigits(f.Phone) : undefined;
  if (digits) {
    const res = await ctx.http.send({
      method: 'GET',
      url: `${ctx.baseUrl}${API}/search`,
      query: { q: `FIND {${digits}} IN PHONE FIELDS RETURNING ${type}(Id)` },
    });
    const id = (res.body as { searchRecords?: Array<{ Id: string }> }).searchRecords?.[0]?.Id;
    if (id) return { id, type, created: false };
  }
  return null;
};

interface DuplicateError {
  errorCode?: string;
  message?: string;
  duplicateResult?: { matchResults?: Array<{ matchRecords?: Array<{ record?: { Id?: string } }> }> };
}

/** Creates the Lead or Contact; when a duplicate rule blocks it, the record it matched is the caller. */
export const createContact: Hook = async (ctx, input) => {
  const type = objectType(ctx);
  const res = await ctx.http.send({ method: 'POST', url: `${ctx.baseUrl}${API}/sobjects/${type}/`, body: input, accept: [400] });
  if (res.status !== 400) return { id: String((res.body as { id: string }).id), type, created: true };
  const errors = (Array.isArray(res.body) ? res.body : []) as DuplicateError[];
  const dup = errors.find((e) => e.errorCode === 'DUPLICATES_DETECTED');
  const id = dup?.duplicateResult?.matchResults?.flatMap((m) => m.matchRecords ?? [])[0]?.record?.Id;
  if (id) return { id, type, created: false };
  const first = errors[0];
  throw new HubError(
    'HUB_ERR_CRM_REJECTED',
    `salesforce answered 400: ${first ? `${first.errorCode ?? ''}: ${first.message ?? ''}` : 'bad request'}`,
    { retryable: false, details: { status: 400 } },
  );
};

/** The caller's record as it is now: `GET .../sobjects/{type}/{id}` with only the fields the sync writes. */
export const readContact: Hook = async (ctx, input) => {
  const { id, fields } = input as { id: string; fields?: string[] };
  const wanted = (fields ?? []).filter((f) => /^[A-Za-z][A-Za-z0-9_]*$/.test(f));
  const res = await ctx.http.send({
    method: 'GET',
    url: `${ctx.baseUrl}${API}/sobjects/${objectType(ctx)}/${encodeURIComponent(id)}`,
    query: wanted.length ? { fields: wanted.join(',') } : undefined,
  });
  return res.body as Fields;
};

/** Writes fields onto the caller's record: `PATCH .../sobjects/{type}/{id}` (204, no body). */
export const updateContact: Hook = async (ctx, input) => {
  const { id, fields } = input as { id: string; fields: Fields };
  await ctx.http.send({ method: 'PATCH', url: `${ctx.baseUrl}${API}/sobjects/${objectType(ctx)}/${encodeURIComponent(id)}`, body: fields });
  return { id, updated: Object.keys(fields) };
};

/**
 * Recovery lookup of the call Task: the one whose CallObject (the CTI call id field) is this call's
 * id. SOQL reads the database, so a Task written a moment ago is found (SOSL would lag).
 */
export const findCallTask: Hook = async (ctx) => {
  const callId = ctx.call.call_id;
  if (typeof callId !== 'string' || callId === '') return null;
  const res = await ctx.http.send({
    method: 'GET',
    url: `${ctx.baseUrl}${API}/query`,
    query: { q: `SELECT Id FROM Task WHERE CallObject = ${soqlString(callId)} LIMIT 1` },
  });
  const id = (res.body as { records?: Array<{ Id: string }> }).records?.[0]?.Id;
  return id ? { id } : null;
};

export { logCall } from './recording.js';
