/** Contact, note and workflow handlers of the GoHighLevel simulator (pure: state in, reply out). */
import type { Collection } from '@hub/simkit';
import { ghlId, normalisePhone, type ResolvedGhlOptions } from './ghl-state.js';

/** A stored contact, shaped like the spec's GetContectByIdSchema. */
export type GhlContact = Record<string, unknown> & { id: string; locationId: string; email?: string; phone?: string };

/** What every handler gets: the collections, the options and the caller's location. */
export interface GhlCtx {
  opts: ResolvedGhlOptions;
  locationId: string;
  contacts: Collection<GhlContact>;
  notes: Collection<Record<string, unknown>>;
  enrollments: Collection<Record<string, unknown>>;
  appointments: Collection<Record<string, unknown>>;
  opportunities: Collection<Record<string, unknown>>;
}

/** A handler's answer. */
export interface Reply {
  status: number;
  body: unknown;
}

/** GHL's error body (common BadRequestDTO and friends). */
export function ghlError(status: number, message: string): Reply {
  const error =
    status === 400
      ? 'Bad Request'
      : status === 401
        ? 'Unauthorized'
        : status === 403
          ? 'Forbidden'
          : status === 404
            ? 'Not Found'
            : 'Error';
  return { status, body: { statusCode: status, message, error } };
}

/** Refuses a body whose locationId is not the token's location, as GHL does. */
export function checkLocation(ctx: GhlCtx, locationId: unknown): Reply | undefined {
  if (locationId === ctx.locationId) return undefined;
  return ghlError(403, 'The token does not have access to this location.');
}

const COPIED = [
  'firstName',
  'lastName',
  'name',
  'gender',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'dnd',
  'dndSettings',
  'tags',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
];

function applyFields(ctx: GhlCtx, target: GhlContact, body: Record<string, unknown>): GhlContact {
  for (const k of COPIED) if (body[k] !== undefined) target[k] = body[k];
  if (body.email !== undefined) {
    target.email = body.email === null ? undefined : String(body.email);
    target.emailLowerCase = target.email?.toLowerCase();
  }
  if (body.phone !== undefined) target.phone = normalisePhone(body.phone as string | null);
  if (body.firstName !== undefined || body.lastName !== undefined) {
    target.name = [target.firstName, target.lastName].filter(Boolean).join(' ');
  }
  target.firstNameLowerCase = typeof target.firstName === 'string' ? target.firstName.toLowerCase() : undefined;
  target.lastNameLowerCase = typeof target.lastName === 'string' ? target.lastName.toLowerCase() : undefined;
  target.fullNameLowerCase = typeof target.name === 'string' ? target.name.toLowerCase() : undefined;
  if (Array.isArray(body.customFields)) {
    // GHL silently drops values for field ids the location does not define; so does the simulator.
    const known = new Set(ctx.opts.customFields.filter((f) => f.locationId === ctx.locationId).map((f) => f.id));
    const existing = new Map(((target.customFields as { id: string; value: unknown }[] | undefined) ?? []).map((f) => [f.id, f.value]));
    for (const f of body.customFields as { id?: string; key?: string; field_value?: unknown }[]) {
      const def = ctx.opts.customFields.find((d) => d.id === f.id || (f.key !== undefined && d.fieldKey === `contact.${f.key}`));
      if (def && known.has(def.id)) existing.set(def.id, f.field_value);
    }
    target.customFields = [...existing].map(([id, value]) => ({ id, value }));
  }
  target.dateUpdated = new Date().toISOString();
  return target;
}

function findDuplicate(ctx: GhlCtx, body: Record<string, unknown>): GhlContact | undefined {
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
  const phone = normalisePhone(body.phone as string | null | undefined);
  for (const field of ctx.opts.upsertMatchOrder) {
    const hit = ctx.contacts.findOne(
      (c) =>
        c.locationId === ctx.locationId &&
        (field === 'email' ? email !== undefined && c.emailLowerCase === email : phone !== undefined && c.phone === phone),
    );
    if (hit) return hit;
  }
  return undefined;
}

/** `POST /contacts/upsert`: updates the contact matching email or phone in the location, else creates one. */
export function upsertContact(ctx: GhlCtx, body: Record<string, unknown>): Reply {
  const denied = checkLocation(ctx, body.locationId);
  if (denied) return denied;
  const existing = findDuplicate(ctx, body);
  if (existing) {
    const updated = ctx.contacts.update(existing.id, applyFields(ctx, existing, body)) as GhlContact;
    return { status: 200, body: { new: false, contact: publicContact(updated), traceId: ghlId() } };
  }
  const now = new Date().toISOString();
  const fresh = applyFields(
    ctx,
    { id: ghlId(), locationId: ctx.locationId, type: 'lead', dateAdded: now, tags: [], customFields: [] },
    body,
  );
  const stored = ctx.contacts.insert(fresh);
  return { status: 200, body: { new: true, contact: publicContact(stored), traceId: ghlId() } };
}

/** `GET /contacts/search/duplicate?locationId&email&number`: `{contact}` or `{contact: null}`, by the upsert's match order. */
export function findDuplicateContact(ctx: GhlCtx, query: Record<string, unknown>): Reply {
  const denied = checkLocation(ctx, query.locationId);
  if (denied) return denied;
  const hit = findDuplicate(ctx, { email: query.email, phone: query.number });
  return { status: 200, body: { contact: hit ? publicContact(hit) : null } };
}

/** Drops keys whose value is undefined, so JSON answers carry no nulls the spec does not allow. */
export function publicContact(c: GhlContact): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

/** The contact when it lives in the caller's location (GHL does not reveal others' contacts). */
export function ownContact(ctx: GhlCtx, id: string): GhlContact | undefined {
  const c = ctx.contacts.get(id);
  return c && c.locationId === ctx.locationId ? c : undefined;
}

/** `GET /contacts/{contactId}`. */
export function getContact(ctx: GhlCtx, id: string): Reply {
  const c = ownContact(ctx, id);
  return c ? { status: 200, body: { contact: publicContact(c) } } : ghlError(400, 'Contact not found');
}

/** `PUT /contacts/{contactId}` (UpdateContactDto, checked against the spec by simkit): the fields given replace the contact's. */
export function updateContact(ctx: GhlCtx, id: string, body: Record<string, unknown>): Reply {
  const c = ownContact(ctx, id);
  if (!c) return ghlError(400, 'Contact not found');
  const updated = ctx.contacts.update(id, applyFields(ctx, c, body)) as GhlContact;
  return { status: 200, body: { succeded: true, contact: publicContact(updated) } };
}

/** `POST /contacts/{contactId}/notes`: 201 with `{note}`. */
export function createNote(ctx: GhlCtx, contactId: string, body: Record<string, unknown>): Reply {
  if (!ownContact(ctx, contactId)) return ghlError(400, 'Contact not found');
  if (body.userId !== undefined && !ctx.opts.users.some((u) => u.id === body.userId && u.locationId === ctx.locationId)) {
    return ghlError(400, 'User id is invalid');
  }
  const note = ctx.notes.insert({
    id: ghlId(),
    contactId,
    body: body.body,
    userId: body.userId,
    title: body.title,
    color: body.color,
    pinned: body.pinned ?? false,
    dateAdded: new Date().toISOString(),
  });
  return { status: 201, body: { note: publicContact(note as GhlContact) } };
}

/** `GET /contacts/{contactId}/notes`: every note of the contact, `{notes}`. */
export function listNotes(ctx: GhlCtx, contactId: string): Reply {
  if (!ownContact(ctx, contactId)) return ghlError(400, 'Contact not found');
  return { status: 200, body: { notes: ctx.notes.find((n) => n.contactId === contactId).map((n) => publicContact(n as GhlContact)) } };
}

/** `POST /contacts/{contactId}/workflow/{workflowId}`: enrols the contact; answers `{succeded: true}` (sic). */
export function addToWorkflow(ctx: GhlCtx, contactId: string, workflowId: string, body: Record<string, unknown>): Reply {
  if (!ownContact(ctx, contactId)) return ghlError(400, 'Contact not found');
  if (!ctx.opts.workflows.some((w) => w.id === workflowId && w.locationId === ctx.locationId)) {
    return ghlError(400, 'Workflow not found');
  }
  ctx.enrollments.insert({ id: ghlId(), contactId, workflowId, eventStartTime: body.eventStartTime, at: new Date().toISOString() });
  return { status: 200, body: { succeded: true } };
}
