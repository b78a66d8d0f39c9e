import { createHash } from 'node:crypto';
import { HubError, notFound } from '../errors/hub-error.js';
import type { HubServices } from '../services.js';
import { normalizeCall } from '../sync/call-data.js';
import { contactKeys, findOrCreateContact } from '../sync/contact-step.js';
import { operationFor } from '../sync/steps.js';
import type { ConnectorRuntime, OperationContext } from '../engine/runtime.js';
import type { IntegrationDoc } from '../store/repos/documents.js';

/** `GET …/availability?date=&timezone=`. */
export interface AvailabilityQuery {
  date: string;
  timezone: string;
}

/** `POST …/book`: the original spec's body, plus who the appointment is with when known. */
export interface BookingRequest {
  title: string;
  date: string;
  time: string;
  timezone: string;
  durationMinutes: number;
  notes?: string;
  customer_name?: string;
  customer_email?: string;
  customer_phone?: string;
  /** where the appointment is; reaches connectors as the call's custom field `address` */
  address?: string;
}

/** An agent's integration named by id or by type (the first connected one of that type). */
export async function resolveIntegration(hub: HubServices, tenantId: string, agentId: string, idOrType: string): Promise<IntegrationDoc> {
  const all = await hub.repos.integrations.list(tenantId, agentId);
  const doc =
    all.find((d) => d._id === idOrType) ??
    all.find((d) => d.type === idOrType && d.status === 'connected') ??
    all.find((d) => d.type === idOrType);
  if (!doc) throw notFound('integration', idOrType);
  return doc;
}

/** Refuses an integration that is not connected (pending authorization, needs reauth, disabled). */
export function ready(doc: IntegrationDoc): void {
  if (doc.status !== 'connected') throw new HubError('HUB_ERR_CONFLICT', `integration ${doc._id} is ${doc.status}; connect it first`);
}

/** Runs fn; a CRM that refuses our credentials marks the integration needs_reauth, as a failed sync would. */
export async function guarded<T>(hub: HubServices, doc: IntegrationDoc, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await hub.noteAuthFailure(doc._id, err);
    throw err;
  }
}

/** Runs the connector's getAvailability for one day in a time zone. */
export async function checkAvailability(hub: HubServices, doc: IntegrationDoc, query: AvailabilityQuery): Promise<Record<string, unknown>> {
  ready(doc);
  const rt = hub.runtimeFor(doc);
  if (!rt.has('getAvailability')) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} cannot check availability`);
  const result = await guarded(hub, doc, () => rt.execute('getAvailability', query, { call: {}, steps: {} }));
  return {
    integration_id: doc._id,
    type: doc.type,
    date: query.date,
    timezone: query.timezone,
    ...(isRecord(result) ? result : { slots: result }),
  };
}

/**
 * Books through the connector's bookAppointment with the same `appointment` mapping a synced call
 * uses. The booking gets a call id derived from the integration and the request (or `opts.key`), so
 * a retried request is the same booking (connectors that support client ids make no second event).
 */
export async function bookAppointment(
  hub: HubServices,
  doc: IntegrationDoc,
  req: BookingRequest,
  opts: { key?: string } = {},
): Promise<Record<string, unknown>> {
  ready(doc);
  const rt = hub.runtimeFor(doc);
  if (!rt.has('bookAppointment')) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} cannot book appointments`);
  // `key` names the booking when the caller has its own idea of "the same booking" (a voice call and a start).
  const digest = createHash('sha256')
    .update(
      JSON.stringify(
        opts.key !== undefined
          ? [doc._id, opts.key]
          : [
              doc._id,
              req.title,
              req.date,
              req.time,
              req.timezone,
              req.durationMinutes,
              req.customer_email ?? null,
              req.customer_phone ?? null,
            ],
      ),
    )
    .digest('hex');
  const call = normalizeCall(
    {
      call_id: `booking-${digest.slice(0, 32)}`,
      customer_name: req.customer_name ?? null,
      customer_email: req.customer_email ?? null,
      customer_phone: req.customer_phone ?? null,
      call_summary: req.notes ?? null,
      ...(req.address ? { address: req.address } : {}),
      appointment_booked: {
        date: req.date,
        time: req.time,
        timezone: req.timezone,
        durationMinutes: req.durationMinutes,
        title: req.title,
        ...(req.notes ? { notes: req.notes } : {}),
      },
    },
    doc.agentId,
  ) as Record<string, unknown>;
  const ctx: OperationContext = { call, steps: {} };
  const result = await guarded(hub, doc, async () => {
    const contact = await bookingContact(hub, rt, doc, ctx);
    if (contact) ctx.steps.contact = contact;
    return rt.execute('bookAppointment', await rt.map('appointment', ctx), ctx);
  });
  const contactId = (ctx.steps.contact as { id?: string } | undefined)?.id;
  return { integration_id: doc._id, type: doc.type, booked: true, ...(contactId ? { contact_id: contactId } : {}), appointment: result };
}

/**
 * The customer a booking is for, found or created exactly as a synced call's contact step does
 * (same lease, same remembered links), so the CRM files the appointment on their record and a
 * later call from them finds the same contact. Undefined when the connector keeps no contacts or
 * the request names no phone or email.
 */
async function bookingContact(
  hub: HubServices,
  rt: ConnectorRuntime,
  doc: IntegrationDoc,
  ctx: OperationContext,
): Promise<Record<string, unknown> | undefined> {
  if (!rt.connector.manifest.capabilities.includes('contacts') || contactKeys(ctx.call).length === 0) return undefined;
  const op = operationFor('contact', rt.connector.manifest);
  if (!rt.has(op) || !(await rt.applies(op, ctx))) return undefined;
  return findOrCreateContact(rt, ctx, {
    locks: hub.repos.locks,
    links: hub.repos.links,
    owner: `booking:${doc._id}`,
    tenantId: doc.tenantId,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
