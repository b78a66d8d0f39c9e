/** Customer and address handlers of the Housecall Pro simulator (pure: state in, reply out). */
import type { Collection } from '@hub/simkit';
import { hcpId, paginate, phoneKey, type ResolvedHcpOptions } from './hcp-state.js';

/** A stored customer, shaped like the spec's Customer schema. */
export type HcpCustomer = Record<string, unknown> & { id: string; addresses: HcpAddress[] };
/** An address (spec schema Address). */
export type HcpAddress = Record<string, unknown> & { id: string };
/** A stored job (spec schema Job). */
export type HcpJob = Record<string, unknown> & { id: string; notes: { id: string; content: string }[] };

/** What every handler gets. */
export interface HcpCtx {
  opts: ResolvedHcpOptions;
  customers: Collection<HcpCustomer>;
  jobs: Collection<HcpJob>;
}

/** A handler's answer. */
export interface Reply {
  status: number;
  body: unknown;
}

/** Housecall Pro's error body (spec schema ErrorResponse). */
export function hcpError(status: number, message: string): Reply {
  return { status, body: { error: { message } } };
}

const PHONES = ['mobile_number', 'home_number', 'work_number'] as const;
const IDENTIFYING = ['first_name', 'last_name', 'email', ...PHONES] as const;
const ADDRESS_FIELDS = ['street', 'street_line_2', 'city', 'state', 'zip', 'country', 'latitude', 'longitude'];

function newAddress(input: Record<string, unknown>, type: 'service' | 'billing' = 'service'): HcpAddress {
  const a: HcpAddress = { id: hcpId('adr'), type };
  for (const k of ADDRESS_FIELDS) if (input[k] !== undefined) a[k] = input[k];
  return a;
}

/** True when the customer matches Housecall Pro's free-text `q`: name, email, phone numbers or address. */
function matchesQuery(c: HcpCustomer, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (needle === '') return true;
  const qPhone = phoneKey(q);
  // A query that looks like a phone number matches on digits, whatever the formatting on either side.
  if (qPhone !== undefined && /^[\d\s()+.-]+$/.test(q)) return PHONES.some((k) => phoneKey(c[k]) === qPhone);
  const text = [
    c.first_name,
    c.last_name,
    `${c.first_name ?? ''} ${c.last_name ?? ''}`,
    c.email,
    c.company,
    ...c.addresses.flatMap((a) => [a.street, a.city, a.zip]),
  ];
  return text.some((t) => typeof t === 'string' && t.toLowerCase().includes(needle));
}

/** `GET /customers`: paginated, newest first by default, filtered by `q`. */
export function listCustomers(ctx: HcpCtx, query: Record<string, unknown>): Reply {
  const q = typeof query.q === 'string' ? query.q : '';
  const sortBy = typeof query.sort_by === 'string' ? query.sort_by : 'created_at';
  const dir = query.sort_direction === 'asc' ? 1 : -1;
  // Insertion order breaks ties, so customers created in the same millisecond still sort newest first.
  const found = ctx.customers
    .find((c) => matchesQuery(c, q))
    .map((c, i) => ({ c, i }))
    .sort((a, b) => dir * (String(a.c[sortBy] ?? '').localeCompare(String(b.c[sortBy] ?? '')) || a.i - b.i))
    .map(({ c }) => c);
  return { status: 200, body: paginate(found, query, 'customers') };
}

/** `POST /customers`: needs at least one name, email or phone; addresses get ids. */
export function createCustomer(ctx: HcpCtx, body: Record<string, unknown>): Reply {
  if (!IDENTIFYING.some((k) => typeof body[k] === 'string' && body[k] !== '')) {
    return hcpError(400, 'One of first_name, last_name, email, mobile_number, home_number, work_number is required');
  }
  const now = new Date().toISOString();
  const customer: HcpCustomer = {
    id: hcpId('cus'),
    first_name: body.first_name ?? null,
    last_name: body.last_name ?? null,
    email: body.email ?? null,
    mobile_number: body.mobile_number ?? null,
    home_number: body.home_number ?? null,
    work_number: body.work_number ?? null,
    company: body.company ?? null,
    notifications_enabled: body.notifications_enabled ?? false,
    lead_source: body.lead_source ?? null,
    notes: body.notes ?? null,
    tags: (body.tags as string[] | undefined) ?? [],
    addresses: ((body.addresses as Record<string, unknown>[] | undefined) ?? []).map((a) => newAddress(a)),
    created_at: now,
    updated_at: now,
    company_name: ctx.opts.company.name,
    company_id: ctx.opts.company.id,
  };
  return { status: 201, body: ctx.customers.insert(customer) };
}

/** `GET /customers/{customer_id}`. */
export function getCustomer(ctx: HcpCtx, id: string): Reply {
  const c = ctx.customers.get(id);
  return c ? { status: 200, body: c } : hcpError(404, 'Customer not found');
}

const UPDATABLE = [
  'first_name',
  'last_name',
  'email',
  'company',
  'notifications_enabled',
  'mobile_number',
  'home_number',
  'work_number',
  'tags',
  'lead_source',
  'notes',
];

/** `PUT /customers/{customer_id}`: replaces the given fields (notes included: the caller appends, not the API). */
export function updateCustomer(ctx: HcpCtx, id: string, body: Record<string, unknown>): Reply {
  const c = ctx.customers.get(id);
  if (!c) return hcpError(404, 'Customer not found');
  const patch: Record<string, unknown> = { updated_at: new Date().toISOString() };
  for (const k of UPDATABLE) if (body[k] !== undefined) patch[k] = body[k];
  return { status: 200, body: ctx.customers.update(id, patch) };
}

/** `POST /customers/{customer_id}/addresses`: answers the new Address (200, as the spec says). */
export function addAddress(ctx: HcpCtx, customerId: string, body: Record<string, unknown>): Reply {
  const c = ctx.customers.get(customerId);
  if (!c) return hcpError(404, 'Customer not found');
  const address = newAddress(body);
  ctx.customers.update(customerId, { addresses: [...c.addresses, address], updated_at: new Date().toISOString() });
  return { status: 200, body: address };
}
