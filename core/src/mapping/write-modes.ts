import { WRITE_MODES, type Manifest, type WriteMode } from '@hub/manifests';
import { inputError } from '../errors/hub-error.js';

/** What `append` puts between the CRM's text and the call's. */
export const APPEND_SEPARATOR = '\n';

/** Per contact field (a key of the contact mapping's output): how it is written onto an existing contact. */
export type FieldModes = Record<string, WriteMode>;

/** Rejects a tenant's `field_modes` that name a mode that does not exist, or a connector with no contacts, naming the field. */
export function checkFieldModes(manifest: Manifest, modes: unknown, field = 'field_modes'): FieldModes | undefined {
  if (modes === undefined || modes === null) return undefined;
  if (typeof modes !== 'object' || Array.isArray(modes)) throw inputError(field, 'must be an object of {contactField: mode}');
  if (Object.keys(modes).length && !manifest.capabilities.includes('contacts'))
    throw inputError(field, `${manifest.id} writes no contacts, so its fields have no write modes`);
  for (const [name, mode] of Object.entries(modes)) {
    if (name === '') throw inputError(field, 'a contact field name must not be empty');
    if (!(WRITE_MODES as readonly unknown[]).includes(mode))
      throw inputError(`${field}.${name}`, `must be one of ${WRITE_MODES.join(', ')} (got ${JSON.stringify(mode)})`);
  }
  return modes as FieldModes;
}

/** The modes in force: the manifest's defaults under the tenant's own; a field named by neither is overwritten. */
export function effectiveModes(manifest: Manifest, tenant: FieldModes | undefined): FieldModes {
  return { ...(manifest.fieldModes ?? {}), ...(tenant ?? {}) };
}

/** Each field of a contact input with its mode (what the mapping dry run shows). */
export function modesOf(input: unknown, modes: FieldModes): FieldModes {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return {};
  return Object.fromEntries(Object.keys(input).map((k) => [k, modes[k] ?? 'overwrite']));
}

/** True when writing these fields needs the contact's current values first. */
export function needsCurrent(input: Record<string, unknown>, modes: FieldModes): boolean {
  return Object.keys(input).some((k) => (modes[k] ?? 'overwrite') !== 'overwrite');
}

/** Empty as a CRM shows it: nothing, blank text, an empty list or object. */
export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/**
 * The fields to write onto an existing contact, given its current values: `overwrite` writes the
 * call's value (unless it is already the CRM's), `fill_if_empty` only where the CRM's is empty,
 * `append` adds the call's text after the CRM's with a separator, never twice (a retry, or the same
 * text from an earlier call, finds it already there). Append on a value that is not text writes it
 * only where the CRM's is empty.
 */
export function applyWriteModes(
  input: Record<string, unknown>,
  current: Record<string, unknown>,
  modes: FieldModes,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (isEmptyValue(value)) continue;
    const now = current[field];
    const mode = modes[field] ?? 'overwrite';
    if (mode === 'overwrite') {
      if (!sameValue(now, value)) out[field] = value;
    } else if (mode === 'fill_if_empty' || typeof value !== 'string' || (now !== undefined && now !== null && typeof now !== 'string')) {
      if (isEmptyValue(now)) out[field] = value;
    } else if (isEmptyValue(now)) out[field] = value;
    else if (!String(now).includes(value.trim())) out[field] = `${String(now)}${APPEND_SEPARATOR}${value}`;
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return false;
  return typeof a === 'object' || typeof b === 'object' ? JSON.stringify(a) === JSON.stringify(b) : String(a) === String(b);
}
