import type { HubServices } from '../services.js';
import type { CallDoc } from '../store/repos/documents.js';
import type { DocCollection } from '../store/types.js';
import { toE164 } from '../sync/phone.js';
import { findContactIn, lookupIntegrations, type FoundContact } from './contact-lookup.js';
import { spokenWhen } from './speak.js';

/** The dynamic variables the inbound answer always carries, every value a string ('' when unknown). */
export const CALLER_VARIABLES = [
  'customer_known',
  'customer_name',
  'customer_email',
  'last_call_summary',
  'last_call_at',
  'next_appointment',
  'crm_contact_id',
] as const;

/** What the hub knows of a caller before the call, as dynamic variables, and how the lookup went. */
export interface CallerLookup {
  variables: Record<(typeof CALLER_VARIABLES)[number], string>;
  /** integrations that answered in time, and those that did not (slow or failing) */
  answered: string[];
  missed: string[];
  ms: number;
}

/** How long a CRM's answer about a number is reused (a caller who rings back, the same caller's retries). */
const CRM_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * CRM answers per (integration, phone), kept a few minutes. A lookup that runs past the wait keeps
 * going and fills this, so the next ring from that number is answered from here.
 */
class ContactCache {
  private readonly entries = new Map<string, { at: number; value: FoundContact | null }>();

  get(key: string, now: number): FoundContact | null | undefined {
    const hit = this.entries.get(key);
    if (!hit || now - hit.at > CRM_TTL_MS) return undefined;
    return hit.value;
  }

  set(key: string, value: FoundContact | null, now: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { at: now, value });
  }
}

const caches = new WeakMap<HubServices, ContactCache>();
const cacheOf = (hub: HubServices) => caches.get(hub) ?? caches.set(hub, new ContactCache()).get(hub)!;
const settleWithin = <T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false }> =>
  Promise.race([
    p.then(
      (value) => ({ ok: true as const, value }),
      () => ({ ok: false as const }),
    ),
    new Promise<{ ok: false }>((r) => setTimeout(() => r({ ok: false }), ms).unref()),
  ]);

/** Creates the index the caller's history is read with; call once at start. */
export async function ensureCallerIndexes(hub: HubServices): Promise<void> {
  await (hub.repos.calls.col as DocCollection<CallDoc>).createIndex({ tenantId: 1, agentId: 1, 'data.customer_phone': 1, receivedAt: -1 });
}

/**
 * Looks a caller up before the call is answered: the hub's own history (last call, next booking) and
 * each of the agent's CRMs (cached), waiting at most `waitMs` for them. A slow or failing CRM leaves
 * its variables empty; nothing here throws, so the call is never failed by the lookup.
 */
export async function lookupCaller(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  rawPhone: unknown,
  waitMs: number,
): Promise<CallerLookup> {
  const started = Date.now();
  const variables = Object.fromEntries(CALLER_VARIABLES.map((k) => [k, ''])) as CallerLookup['variables'];
  variables.customer_known = 'false';
  const phone = typeof rawPhone === 'string' ? toE164(rawPhone) : undefined;
  if (!phone) return { variables, answered: [], missed: [], ms: Date.now() - started };
  const [history, crm] = await Promise.all([
    settleWithin(ownHistory(hub, tenantId, agentId, phone), waitMs),
    crmContacts(hub, tenantId, agentId, phone, waitMs),
  ]);
  if (history.ok) Object.assign(variables, history.value);
  const found = crm.found;
  if (found)
    Object.assign(variables, {
      customer_name: found.name ?? variables.customer_name,
      customer_email: found.email ?? variables.customer_email,
      crm_contact_id: found.crm_contact_id,
    });
  if (found || variables.last_call_at) variables.customer_known = 'true';
  return { variables, answered: crm.answered, missed: crm.missed, ms: Date.now() - started };
}

/** The caller's last call with this agent and their next booking, from the hub's own store. */
async function ownHistory(hub: HubServices, tenantId: string, agentId: string, phone: string): Promise<Partial<CallerLookup['variables']>> {
  const last = await hub.repos.calls.lastFromPhone(tenantId, agentId, phone);
  const next = await hub.repos.bookings.nextFor(tenantId, agentId, phone);
  const out: Partial<CallerLookup['variables']> = {};
  if (last) {
    const d = last.data as Record<string, unknown>;
    out.last_call_summary = typeof d.call_summary === 'string' ? d.call_summary : '';
    out.last_call_at = String(d.ended_at ?? d.started_at ?? last.receivedAt);
    if (typeof d.customer_name === 'string') out.customer_name = d.customer_name;
    if (typeof d.customer_email === 'string') out.customer_email = d.customer_email;
  }
  if (next) out.next_appointment = spokenWhen(next.start, next.timezone);
  return out;
}

/** The first CRM (in connection order) that knows the number, answering within the wait. */
async function crmContacts(
  hub: HubServices,
  tenantId: string,
  agentId: string,
  phone: string,
  waitMs: number,
): Promise<{ found?: FoundContact; answered: string[]; missed: string[] }> {
  const cache = cacheOf(hub);
  const docs = await lookupIntegrations(hub, tenantId, agentId);
  const results = await Promise.all(
    docs.map(async (doc) => {
      const key = `${doc._id}:${phone}`;
      const cached = cache.get(key, Date.now());
      if (cached !== undefined) return { id: doc._id, ok: true, value: cached };
      const lookup = findContactIn(hub, doc, { phone }).then((v) => (cache.set(key, v, Date.now()), v));
      const r = await settleWithin(lookup, waitMs);
      if (!r.ok)
        hub.logger.warn(
          { integrationId: doc._id, type: doc.type, waitMs },
          'caller lookup: the CRM did not answer in time; variables left empty',
        );
      return { id: doc._id, ...r, value: r.ok ? r.value : null };
    }),
  );
  return {
    found: results.find((r) => r.ok && r.value)?.value ?? undefined,
    answered: results.filter((r) => r.ok).map((r) => r.id),
    missed: results.filter((r) => !r.ok).map((r) => r.id),
  };
}
