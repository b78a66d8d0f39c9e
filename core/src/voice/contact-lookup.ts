import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { contactKeys } from '../sync/contact-step.js';
import { toE164 } from '../sync/phone.js';

/** A customer as a CRM knows them, reduced to what a voice agent can use. */
export interface FoundContact {
  integration_id: string;
  type: string;
  crm_contact_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const joined = (...parts: unknown[]): string | null => str(parts.map(str).filter(Boolean).join(' '));

/** Name and email out of whatever shape a connector's find answers (HubSpot, GoHighLevel, Salesforce, Housecall Pro, Pipedrive). */
function readContact(doc: IntegrationDoc, out: Obj, phone: string | null): FoundContact {
  return {
    integration_id: doc._id,
    type: doc.type,
    crm_contact_id: String(out.id),
    name:
      str(out.name) ??
      str(out.Name) ??
      joined(
        out.firstName ?? out.first_name ?? out.firstname ?? out.FirstName,
        out.lastName ?? out.last_name ?? out.lastname ?? out.LastName,
      ),
    email: str(out.email) ?? str(out.Email),
    phone: str(out.phone) ?? phone,
  };
}

/** Connectors that keep contacts and can look one up without writing. */
export function canFind(hub: HubServices, doc: IntegrationDoc): boolean {
  const m = hub.registry.get(doc.type)?.manifest;
  return Boolean(m?.capabilities.includes('contacts') && m.operations.findContact);
}

/**
 * Looks a customer up in one integration by phone (E.164) or email: the contact the hub itself
 * remembers for that key first (no request, and CRM search indexes lag), then the connector's
 * read-only findContact. Never creates anything. Null when not found.
 */
export async function findContactIn(
  hub: HubServices,
  doc: IntegrationDoc,
  who: { phone?: string | null; email?: string | null },
  signal?: AbortSignal,
): Promise<FoundContact | null> {
  const phone = toE164(who.phone ?? null) ?? null;
  const call = { call_id: 'lookup', customer_phone: phone, customer_email: who.email ?? null, customer_name: null };
  const rt = hub.runtimeFor(doc, signal ? { signal } : {});
  const known = await hub.repos.links.find(doc._id, contactKeys(call));
  if (!rt.has('findContact')) return known ? readContact(doc, known, phone) : null;
  const ctx = { call, steps: {} };
  const out = (await rt.execute('findContact', await rt.map('contact', ctx), ctx)) as Obj | Obj[] | null;
  const found = Array.isArray(out) ? out[0] : out;
  if (found && found.id !== undefined && found.id !== null) return readContact(doc, found, phone);
  return known ? readContact(doc, known, phone) : null;
}

/** The agent's connected integrations that can look a customer up, in the order they were connected. */
export async function lookupIntegrations(hub: HubServices, tenantId: string, agentId: string): Promise<IntegrationDoc[]> {
  return (await hub.repos.integrations.list(tenantId, agentId)).filter((d) => d.status === 'connected' && canFind(hub, d));
}
