import { isPlainObject } from './values.js';

/** One range of an ordered index to read: equal to `prefix` on the first fields, in index order after. */
export interface ScanPlan {
  prefix: unknown[];
  /** upper bounds ($lt, $lte) on ascending fields after the prefix: past one, the rest of that run cannot match */
  upper: Array<{ pos: number; bound: number | string; strict: boolean }>;
}

/** A value an ordered index can hold: null (or missing), a number, a string, a boolean. */
export function isIndexable(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

// MongoDB's order of types, which mingo's sort follows: null and missing, numbers, strings, booleans.
function rank(v: unknown): number {
  return v === null ? 0 : typeof v === 'number' ? 1 : typeof v === 'string' ? 2 : 3;
}

/** Compares two indexable values in MongoDB order. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  return (a as number | string | boolean) < (b as number | string | boolean) ? -1 : 1;
}

/**
 * How an index on `fields` (with directions `dirs`) answers a sorted lookup: one range per branch
 * of the filter's top-level $or (or one for the whole filter), each with equality on the first
 * fields and the sort being exactly the remaining fields in their directions, so reading a range in
 * order is reading it sorted (ties in insertion order, as the index's last key). Undefined when any
 * branch does not fit.
 */
export function planScan(
  filter: Record<string, unknown>,
  sort: Record<string, 1 | -1>,
  fields: string[],
  dirs: number[],
): ScanPlan[] | undefined {
  const branches = branchesOf(filter);
  if (branches === undefined) return undefined;
  const sortKeys = Object.entries(sort);
  const plans: ScanPlan[] = [];
  for (const branch of branches) {
    const prefix: unknown[] = [];
    for (const f of fields) {
      const eq = equalityOf(branch[f]);
      if (eq === undefined) break;
      prefix.push(eq);
    }
    const p = prefix.length;
    if (fields.length - p !== sortKeys.length || (plans.length > 0 && plans[0].prefix.length !== p)) return undefined;
    if (!sortKeys.every(([k, dir], i) => fields[p + i] === k && dirs[p + i] === dir)) return undefined;
    const upper: ScanPlan['upper'] = [];
    for (let pos = p; pos < fields.length; pos++) {
      const bound = upperBound(branch[fields[pos]]);
      if (bound !== undefined && dirs[pos] === 1) upper.push({ pos, ...bound });
    }
    plans.push({ prefix, upper });
  }
  return plans;
}

/**
 * How an index on `fields` answers an unsorted lookup: one range, equal to the filter on the index's
 * first fields and bounded above after them, and how many of the filter's conditions that range
 * bounds (0: none, the index does not help). The caller still tests each doc against the whole filter.
 */
export function planRange(filter: Record<string, unknown>, fields: string[], dirs: number[]): { plan: ScanPlan; covered: number } {
  const prefix: unknown[] = [];
  if (filter.$or === undefined) {
    for (const f of fields) {
      const eq = equalityOf(filter[f]);
      if (eq === undefined) break;
      prefix.push(eq);
    }
  }
  const upper: ScanPlan['upper'] = [];
  for (let pos = prefix.length; filter.$or === undefined && pos < fields.length; pos++) {
    const bound = upperBound(filter[fields[pos]]);
    if (bound !== undefined && dirs[pos] === 1) upper.push({ pos, ...bound });
  }
  const covered = prefix.length + (upper[0]?.pos === prefix.length ? 1 : 0);
  return { plan: { prefix, upper }, covered };
}

// The filter's branches: each $or branch with the other top-level conditions, which must not name the same fields.
function branchesOf(filter: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const { $or, ...rest } = filter;
  if ($or === undefined) return [filter];
  if (!Array.isArray($or) || $or.length === 0) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const branch of $or as unknown[]) {
    if (!isPlainObject(branch) || Object.keys(branch).some((k) => k in rest)) return undefined;
    out.push({ ...rest, ...branch });
  }
  return out;
}

function equalityOf(cond: unknown): unknown {
  if (cond !== null && isIndexable(cond)) return cond;
  if (!isPlainObject(cond)) return undefined;
  const keys = Object.keys(cond);
  return keys.length === 1 && keys[0] === '$eq' && cond.$eq !== null && isIndexable(cond.$eq) ? cond.$eq : undefined;
}

function upperBound(cond: unknown): { bound: number | string; strict: boolean } | undefined {
  if (!isPlainObject(cond)) return undefined;
  for (const [op, strict] of [
    ['$lt', true],
    ['$lte', false],
  ] as const) {
    const bound = cond[op];
    if ((typeof bound === 'number' && !Number.isNaN(bound)) || typeof bound === 'string') return { bound, strict };
  }
  return undefined;
}
