import { update as mingoUpdate, type UpdateExpression } from 'mingo/updater';
import type { Doc, Filter, Update } from '@hub/core';

// Operators whose results stay plain JSON; $currentDate would store a Date, which the contract forbids.
const SUPPORTED = new Set(['$set', '$unset', '$inc', '$mul', '$push', '$addToSet', '$pull', '$max', '$min', '$setOnInsert']);

/** Rejects what the driver would reject (replacement documents, empty updates) and what mingo cannot do. */
export function checkUpdate(update: Update): void {
  const ops = Object.keys(update);
  if (ops.length === 0) throw new Error('update document must not be empty');
  for (const op of ops) {
    if (!op.startsWith('$')) throw new Error('update document requires atomic operators ($set, $inc, ...)');
    if (!SUPPORTED.has(op)) throw new Error(`update operator ${op} is not supported by the embedded store`);
  }
}

/**
 * Applies `update` to a copy of `doc`. `$setOnInsert` counts only when `inserting`, as in MongoDB.
 * Returns the new doc and whether anything changed (for `modifiedCount`).
 */
export function applyUpdate(doc: Doc, update: Update, inserting: boolean): { doc: Doc; changed: boolean } {
  const next = structuredClone(doc);
  let changed = false;
  for (const [op, args] of Object.entries(update)) {
    if (op === '$setOnInsert' && !inserting) continue;
    const expr = { [op === '$setOnInsert' ? '$set' : op]: args } as UpdateExpression;
    if (mingoUpdate(next, expr).length > 0) changed = true;
  }
  // An upsert's seed may lack _id until $setOnInsert or $set supplies one.
  if (doc._id !== undefined && next._id !== doc._id) {
    throw Object.assign(new Error(`performing an update on the path '_id' would modify the immutable field '_id'`), { code: 66 });
  }
  return { doc: next, changed };
}

/**
 * The doc an upsert starts from: the filter's plain equality fields (including those inside `$and`),
 * as MongoDB seeds it, before `$setOnInsert` and the other operators apply.
 */
export function seedFromFilter(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const fields = equalityFields(filter);
  if (Object.keys(fields).length > 0) mingoUpdate(seed, { $set: fields });
  return seed;
}

function equalityFields(filter: Filter): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value as Filter[]) Object.assign(fields, equalityFields(part));
    } else if (key.startsWith('$')) {
      continue;
    } else if (isOperatorObject(value)) {
      if ('$eq' in value && Object.keys(value).length === 1) fields[key] = value.$eq;
    } else {
      fields[key] = value;
    }
  }
  return fields;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.keys(value).some((k) => k.startsWith('$'));
}
