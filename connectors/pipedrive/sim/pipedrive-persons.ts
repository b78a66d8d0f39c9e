/** Person handlers of the Pipedrive simulator: create, get, update and search. */
import type { Collection } from '@hub/simkit';
import { pdError, pdOk, pdTime, type Reply, type ResolvedPipedriveOptions } from './pipedrive-state.js';

/** A contact value of a person (phone or email). */
export interface ContactValue {
  label: string;
  value: string;
  primary: boolean;
}

/** The fields of a stored record. */
export type PdFields = Record<string, unknown>;
/** A stored record; the collection's string id is exposed as a number. */
export type PdRecord = PdFields & { id: string };

/** What every handler gets. */
export interface PdCtx {
  opts: ResolvedPipedriveOptions;
  persons: Collection<PdFields>;
  notes: Collection<PdFields>;
  activities: Collection<PdFields>;
  deals: Collection<PdFields>;
}

/** Pipedrive's `additional_data.pagination`; `next_start` only while more items remain. */
export function pagination(start: number, limit: number, total: number): Record<string, unknown> {
  const more = start + limit < total;
  return more
    ? { start, limit, more_items_in_collection: true, next_start: start + limit }
    : { start, limit, more_items_in_collection: false };
}

/** The record as the API shows it: numeric id. */
export function out(r: PdRecord): Record<string, unknown> {
  return { ...r, id: Number(r.id) };
}

/** Pipedrive's normalisation of phone/email input: always an array of {label, value, primary}, first primary. */
function contacts(input: unknown, label: string): ContactValue[] {
  if (input === undefined || input === null || input === '') return [];
  const list = Array.isArray(input) ? input : [input];
  const values = list.map((x) => (typeof x === 'string' ? { value: x } : (x as Partial<ContactValue>)));
  const anyPrimary = values.some((v) => v.primary === true);
  return values.map((v, i) => ({ label: v.label ?? label, value: String(v.value), primary: anyPrimary ? v.primary === true : i === 0 }));
}

function owner(ctx: PdCtx): Record<string, unknown> {
  const u = ctx.opts.user;
  return { id: u.id, name: u.name, email: u.email, has_pic: 0, pic_hash: null, active_flag: true, value: u.id };
}

/** `POST /v1/persons`: 201 with the person; custom fields are kept by their 40-hex key. */
export function createPerson(ctx: PdCtx, body: Record<string, unknown>): Reply {
  const name = String(body.name).trim();
  const [first, ...rest] = name.split(/\s+/);
  const now = pdTime();
  const phone = contacts(body.phone, 'work');
  const email = contacts(body.email, 'work');
  const custom = Object.fromEntries(
    ctx.opts.personFields.filter((f) => f.edit_flag && body[f.key] !== undefined).map((f) => [f.key, body[f.key]]),
  );
  const person = ctx.persons.insert({
    company_id: ctx.opts.user.company_id,
    owner_id: owner(ctx),
    org_id: body.org_id ?? null,
    name,
    first_name: first,
    last_name: rest.join(' ') || null,
    phone: phone.length ? phone : [{ value: '', primary: true }],
    email: email.length ? email : [{ value: '', primary: true }],
    primary_email: email.find((e) => e.primary)?.value ?? null,
    open_deals_count: 0,
    add_time: now,
    update_time: now,
    visible_to: body.visible_to ?? '3',
    active_flag: true,
    ...custom,
  });
  return pdOk(out(person), 201);
}

/** `GET /v1/persons/{id}`. */
export function getPerson(ctx: PdCtx, id: string): Reply {
  const p = ctx.persons.get(id);
  return p ? pdOk(out(p)) : pdError(404, 'Person not found');
}

/** `PUT /v1/persons/{id}`: only the fields sent change; phone and email replace the person's lists. */
export function updatePerson(ctx: PdCtx, id: string, body: Record<string, unknown>): Reply {
  const p = ctx.persons.get(id);
  if (!p) return pdError(404, 'Person not found');
  const patch: PdFields = { update_time: pdTime() };
  if (body.name !== undefined) {
    const [first, ...rest] = String(body.name).trim().split(/\s+/);
    Object.assign(patch, { name: String(body.name).trim(), first_name: first, last_name: rest.join(' ') || null });
  }
  if (body.phone !== undefined) patch.phone = contacts(body.phone, 'work');
  if (body.email !== undefined) {
    patch.email = contacts(body.email, 'work');
    patch.primary_email = (patch.email as ContactValue[]).find((e) => e.primary)?.value ?? null;
  }
  if (body.owner_id !== undefined) patch.owner_id = { ...owner(ctx), id: body.owner_id, value: body.owner_id };
  for (const key of ['org_id', 'visible_to']) if (body[key] !== undefined) patch[key] = body[key];
  for (const f of ctx.opts.personFields) if (f.edit_flag && body[f.key] !== undefined) patch[f.key] = body[f.key];
  return pdOk(out(ctx.persons.update(id, patch) as PdRecord));
}

const SEARCH_FIELDS = ['name', 'email', 'phone', 'notes', 'custom_fields'];
const digits = (s: string): string => s.replace(/\D/g, '');

function matches(p: PdRecord, field: string, term: string, exact: boolean): boolean {
  const values =
    field === 'name'
      ? [String(p.name)]
      : field === 'email' || field === 'phone'
        ? (p[field] as ContactValue[]).map((c) => c.value).filter(Boolean)
        : [];
  return values.some((v) => {
    // Phone numbers compare on digits, so "+1 (415) 555-0100" and "+14155550100" are the same number.
    if (field === 'phone') return exact ? digits(v) === digits(term) : digits(term) !== '' && digits(v).includes(digits(term));
    return exact ? v.toLowerCase() === term.toLowerCase() : v.toLowerCase().includes(term.toLowerCase());
  });
}

/** `GET /v1/persons/search`: term (2+ characters, or 1 with exact matching) over the chosen fields. */
export function searchPersons(ctx: PdCtx, q: Record<string, unknown>): Reply {
  const term = typeof q.term === 'string' ? q.term.trim() : '';
  const exact = q.exact_matching === 'true' || q.exact_matching === '1';
  if (term.length < (exact ? 1 : 2)) return pdError(400, 'Search term must be at least 2 characters long');
  const fields = typeof q.fields === 'string' && q.fields !== '' ? q.fields.split(',') : SEARCH_FIELDS;
  const badField = fields.find((f) => !SEARCH_FIELDS.includes(f));
  if (badField) return pdError(400, `Invalid field: ${badField}`);
  const start = Number(q.start ?? 0) || 0;
  const limit = Math.min(500, Number(q.limit ?? 100) || 100);
  const hits = ctx.persons.find((p) => fields.some((f) => matches(p, f, term, exact)));
  const items = hits.slice(start, start + limit).map((p) => ({
    result_score: exact ? 1 : 0.5,
    item: {
      id: Number(p.id),
      type: 'person',
      name: p.name,
      phones: (p.phone as ContactValue[]).map((c) => c.value).filter(Boolean),
      emails: (p.email as ContactValue[]).map((c) => c.value).filter(Boolean),
      primary_email: p.primary_email,
      visible_to: Number(p.visible_to),
      owner: { id: ctx.opts.user.id },
      organization: null,
      custom_fields: [],
      notes: [],
      update_time: p.update_time,
    },
  }));
  return pdOk({ items }, 200, { pagination: pagination(start, limit, hits.length) });
}
