import { randomUUID } from 'node:crypto';
import { HubError } from '../errors/hub-error.js';
import type { ConnectorRuntime, OperationContext } from '../engine/runtime.js';
import type { ContactLinkRepo } from '../store/repos/contact-links.js';
import type { LockRepo } from '../store/repos/locks.js';
import { searchablePhone, withSearchablePhone } from './phone.js';
import { applyWriteModes, effectiveModes, needsCurrent, type FieldModes } from '../mapping/write-modes.js';

/** Lookup keys for a call's customer: E.164 phone (when it is one), lower-cased email. */
export function contactKeys(call: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const phone = searchablePhone(call);
  if (phone) keys.push(`phone:${phone}`);
  if (typeof call.customer_email === 'string' && call.customer_email) keys.push(`email:${call.customer_email.toLowerCase()}`);
  return keys;
}

/** Store pieces the contact step needs to never make two contacts. */
export interface ContactStepDeps {
  locks: LockRepo;
  links: ContactLinkRepo;
  owner: string;
  tenantId: string;
  /** throws when the job is no longer this attempt's; checked inside the lock, right before the CRM is written */
  fence?: () => Promise<void>;
}

/**
 * The contact step's sequence on the CRM. A connector that can update contacts looks the caller up
 * first and writes onto the contact it finds by the field modes; a native upsert (which overwrites)
 * is used as it is while every field of the input is `overwrite`. Otherwise: the native upsert where
 * there is one, else a search then a create. The output always has a string `id`. No lease:
 * `findOrCreateContact` adds it.
 */
export async function findOrCreate(rt: ConnectorRuntime, ctx: OperationContext, input: unknown): Promise<Record<string, unknown>> {
  const fields = asFields(input);
  const modes = modesFor(rt);
  const findFirst = rt.has('findContact') && (!rt.has('upsertContact') || (rt.has('updateContact') && needsCurrent(fields, modes)));
  const found = findFirst ? await rt.execute('findContact', input, ctx) : null;
  if (found && rt.has('updateContact')) return writeOnto(rt, ctx, asContact(found, rt.connector.manifest.id), fields, modes);
  const contact = found || (await rt.execute(rt.has('upsertContact') ? 'upsertContact' : 'createContact', input, ctx));
  return asContact(contact, rt.connector.manifest.id);
}

/** Writes the call's contact fields onto a contact the CRM has, by their modes (reading its current values when a mode needs them). */
async function writeOnto(
  rt: ConnectorRuntime,
  ctx: OperationContext,
  found: Record<string, unknown>,
  input: Record<string, unknown>,
  modes: FieldModes,
): Promise<Record<string, unknown>> {
  const current =
    needsCurrent(input, modes) && rt.has('readContact')
      ? ((await rt.execute('readContact', { id: found.id, fields: Object.keys(input) }, ctx)) as Record<string, unknown> | null)
      : null;
  const patch = applyWriteModes(input, current ?? {}, modes);
  if (Object.keys(patch).length) await rt.execute('updateContact', { id: found.id, fields: patch }, ctx);
  return { ...found, created: false, updatedFields: Object.keys(patch) };
}

/**
 * Finds or creates the call's contact without ever making two: with the store (`deps`), the sequence
 * runs under a store lease per (integration, phone/email) and checks the contacts the hub itself made
 * first, because CRM search indexes lag. Without it (the CLI, connector tests) the sequence runs bare.
 */
export async function findOrCreateContact(
  rt: ConnectorRuntime,
  callCtx: OperationContext,
  deps?: ContactStepDeps,
): Promise<Record<string, unknown>> {
  // A phone that is not a phone never reaches a CRM search (nor the contact's phone field).
  const call = withSearchablePhone(callCtx.call);
  const ctx = call === callCtx.call ? callCtx : { ...callCtx, call };
  const input = await rt.map('contact', ctx);
  if (!deps) return findOrCreate(rt, ctx, input);
  const integrationId = rt.connection.view.id;
  const keys = contactKeys(ctx.call);
  // One lock key per customer: the phone when there is one (the voice channel's identity), else the email.
  const lockKey = `contact:${integrationId}:${keys[0] ?? 'none'}`;
  // The lease is re-entrant for its owner, and every job of one worker shares the worker's id; the
  // holder must be this attempt, or two jobs of the same worker would both get the lease.
  const holder = `${deps.owner}:${randomUUID()}`;
  return deps.locks.withLock(
    lockKey,
    holder,
    async () => {
      const known = await deps.links.find(integrationId, keys);
      // A contact the hub made or found before still gets this call's fields, by their modes.
      if (known && !rt.has('updateContact')) return known;
      await deps.fence?.();
      if (known) return writeOnto(rt, ctx, known, asFields(input), modesFor(rt));
      const out = await findOrCreate(rt, ctx, input);
      await deps.links.remember(deps.tenantId, integrationId, keys, out);
      return out;
    },
    { ttlMs: 60_000, waitMs: 60_000 },
  );
}

function asFields(input: unknown): Record<string, unknown> {
  return (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
}

function modesFor(rt: ConnectorRuntime): FieldModes {
  return effectiveModes(rt.connector.manifest, rt.connection.fieldModes);
}

function asContact(value: unknown, connector: string): Record<string, unknown> {
  const obj = (Array.isArray(value) ? value[0] : value) as Record<string, unknown> | null;
  if (!obj || typeof obj !== 'object' || obj.id === undefined || obj.id === null) {
    throw new HubError('HUB_ERR_CRM_REJECTED', `${connector}: the contact operation returned no id`, {
      retryable: false,
      details: { output: value },
    });
  }
  return { ...obj, id: String(obj.id) };
}
