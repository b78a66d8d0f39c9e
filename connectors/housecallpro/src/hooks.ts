/** Housecall Pro hooks: search-then-create with addresses, jobs on an address, notes with a fallback. */
import { HubError, nationalDigits, type Hook, type HookContext } from '@hub/core/sdk';
import { callAddress, isComplete, sameStreet } from './address.js';

export { getAvailability } from './availability.js';

type Obj = Record<string, unknown>;
interface Customer extends Obj {
  id: string;
  addresses?: Array<Obj & { id: string }>;
}

async function send(ctx: HookContext, method: string, path: string, extra: { query?: Obj; body?: unknown } = {}): Promise<Obj> {
  const answer = await ctx.http.send({ method, url: `${ctx.baseUrl}${path}`, ...extra });
  return (answer.body ?? {}) as Obj;
}

const id = (v: unknown) => encodeURIComponent(String(v));

/** What later steps need from a customer: its id and the address a job can go to. */
function asContact(c: Customer): Obj {
  return { id: c.id, address_id: c.addresses?.[0]?.id ?? null };
}

/** The search term for a phone: national digits for North American numbers, which is how Housecall Pro stores them. */
export function phoneTerm(e164: string): string {
  return nationalDigits(e164);
}

/** `GET /customers?q=` by the call's phone, then by its email; exact matches only. */
export const findCustomer: Hook = async (ctx) => {
  const phone = typeof ctx.call.customer_phone === 'string' ? ctx.call.customer_phone : undefined;
  const email = typeof ctx.call.customer_email === 'string' ? ctx.call.customer_email.toLowerCase() : undefined;
  const digitsOf = (v: unknown) =>
    String(v ?? '')
      .replace(/\D/g, '')
      .slice(-10);
  if (phone) {
    const found = await send(ctx, 'GET', '/customers', { query: { q: phoneTerm(phone), page_size: 10 } });
    const hit = ((found.customers ?? []) as Customer[]).find((c) =>
      ['mobile_number', 'home_number', 'work_number'].some((k) => c[k] && digitsOf(c[k]) === digitsOf(phone)),
    );
    if (hit) return asContact(hit);
  }
  if (email) {
    const found = await send(ctx, 'GET', '/customers', { query: { q: email, page_size: 10 } });
    const hit = ((found.customers ?? []) as Customer[]).find((c) => String(c.email ?? '').toLowerCase() === email);
    if (hit) return asContact(hit);
  }
  return null;
};

/** `POST /customers`, with the call's address as the first service address when it has one. */
export const createCustomer: Hook = async (ctx, input) => {
  const body = Object.fromEntries(Object.entries((input ?? {}) as Obj).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Obj;
  const address = callAddress(ctx.call);
  if (address) body.addresses = [address];
  return asContact((await send(ctx, 'POST', '/customers', { body })) as Customer);
};

/** The customer as it is now (`GET /customers/{id}`), for the write modes that read before writing. */
export const readCustomer: Hook = async (ctx, input) => {
  const { id: customerId } = input as { id: string };
  return send(ctx, 'GET', `/customers/${id(customerId)}`);
};

/** Writes the call's fields onto an existing customer: `PUT /customers/{id}` (CustomerUpdate). */
export const updateCustomer: Hook = async (ctx, input) => {
  const { id: customerId, fields } = input as { id: string; fields: Obj };
  return asContact((await send(ctx, 'PUT', `/customers/${id(customerId)}`, { body: fields })) as Customer);
};

/**
 * The address a job goes to: the call's address when the customer has it (or it can be added),
 * else the customer's first address; undefined when neither exists.
 */
async function jobAddress(ctx: HookContext, customerId: string): Promise<string | undefined> {
  const customer = (await send(ctx, 'GET', `/customers/${id(customerId)}`)) as Customer;
  const addresses = customer.addresses ?? [];
  const wanted = callAddress(ctx.call);
  if (wanted) {
    const known = addresses.find((a) => sameStreet(a, wanted));
    if (known) return known.id;
    if (isComplete(wanted)) return String((await send(ctx, 'POST', `/customers/${id(customerId)}/addresses`, { body: wanted })).id);
  }
  return addresses[0]?.id;
}

/**
 * `POST /jobs` for a booked appointment. The published schema requires `address_id`, so the job
 * goes on an address of the customer; with no address at all the job is recorded as not created
 * (the note then goes on the customer) instead of failing the whole sync.
 */
export const createJob: Hook = async (ctx, input) => {
  const job = { ...((input ?? {}) as Obj) };
  const customerId = String(job.customer_id ?? (ctx.steps.contact as Obj | undefined)?.id ?? '');
  if (!customerId) throw new HubError('HUB_ERR_MAPPING', 'housecallpro: the job has no customer_id', { retryable: false });
  const addressId = await jobAddress(ctx, customerId);
  if (!addressId)
    return {
      id: null,
      created: false,
      reason: 'the customer has no address and the call gave none (custom field address or customer_address, or address in a booking)',
    };
  const created = await send(ctx, 'POST', '/jobs', { body: { ...job, customer_id: customerId, address_id: addressId } });
  const schedule = (created.schedule ?? {}) as Obj;
  return {
    id: created.id,
    created: true,
    address_id: addressId,
    invoice_number: created.invoice_number,
    scheduled_start: schedule.scheduled_start ?? null,
  };
};

/**
 * The booking route's appointment as a job. Housecall Pro schedules jobs, not appointments, and a
 * job needs a customer with an address; without one the booking fails naming what to send rather
 * than answering "booked" with nothing booked.
 */
export const bookJob: Hook = async (ctx, input) => {
  if (!(ctx.steps.contact as Obj | undefined)?.id) {
    throw new HubError(
      'HUB_ERR_VALIDATION',
      'customer_phone: a Housecall Pro job belongs to a customer; give customer_phone or customer_email',
      { field: 'customer_phone', retryable: false },
    );
  }
  const job = (await createJob(ctx, input)) as Obj;
  if (!job.created) throw new HubError('HUB_ERR_VALIDATION', `address: ${String(job.reason)}`, { field: 'address', retryable: false });
  return job;
};

/**
 * The call summary as a job note; with no job, appended to the customer's notes (the API has no
 * customer-note endpoint, so it is read, extended and written back, and never appended twice).
 */
export const addNote: Hook = async (ctx, input) => {
  const content = String(((input ?? {}) as Obj).content ?? '');
  const job = ctx.steps.job as Obj | undefined;
  if (job?.id) {
    const note = await send(ctx, 'POST', `/jobs/${id(job.id)}/notes`, { body: { content } });
    return { id: note.id, on: 'job', job_id: job.id };
  }
  const customerId = (ctx.steps.contact as Obj).id;
  const customer = await send(ctx, 'GET', `/customers/${id(customerId)}`);
  const existing = typeof customer.notes === 'string' ? customer.notes : '';
  if (existing.includes(content)) return { on: 'customer', customer_id: customerId, appended: false };
  await send(ctx, 'PUT', `/customers/${id(customerId)}`, { body: { notes: existing ? `${existing}\n\n${content}` : content } });
  return { on: 'customer', customer_id: customerId, appended: true };
};

/**
 * Cancels a booked job's visit: `DELETE /jobs/{id}/schedule` erases its schedule and leaves the job
 * (with its notes) unscheduled for the office; a job already gone counts as cancelled, so a retry succeeds.
 */
export const cancelAppointment: Hook = async (ctx, input) => {
  const { id: jobId } = input as { id: string };
  const res = await ctx.http.send({ method: 'DELETE', url: `${ctx.baseUrl}/jobs/${id(jobId)}/schedule`, accept: [404] });
  return { id: jobId, cancelled: true, ...(res.status === 404 ? { alreadyGone: true } : {}) };
};

/** Moves a booked job: `PUT /jobs/{id}/schedule` with the new start and end (in the caller's zone, with its offset). */
export const rescheduleAppointment: Hook = async (ctx, input) => {
  const { id: jobId, start, end } = input as { id: string; start: string; end: string };
  const body = { start_time: start, end_time: end, arrival_window_in_minutes: 0 };
  const schedule = await send(ctx, 'PUT', `/jobs/${id(jobId)}/schedule`, { body });
  return { id: jobId, scheduled_start: schedule.start_time ?? start, scheduled_end: schedule.end_time ?? end };
};
