import type { CrmObject } from './hubspot-model.js';
import { toPublic } from './hubspot-model.js';

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
}
interface SearchBody {
  filterGroups?: Array<{ filters: Filter[] }>;
  properties?: string[];
  limit?: number;
  after?: string;
  query?: string;
}

/** Runs a CRM search: OR of filter groups, AND of filters, only over objects the index has caught up with. */
export function runSearch(objects: CrmObject[], body: SearchBody, now = Date.now()): Record<string, unknown> {
  const visible = objects.filter((o) => o.searchableAt <= now && !o.archived);
  const groups = body.filterGroups ?? [];
  const hits = visible.filter(
    (o) =>
      (groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(o, f)))) &&
      (!body.query || Object.values(o.properties).some((v) => v.toLowerCase().includes(String(body.query).toLowerCase()))),
  );
  const start = Number(body.after ?? '0') || 0;
  const limit = Math.min(body.limit ?? 10, 200);
  const page = hits.slice(start, start + limit);
  const out: Record<string, unknown> = { total: hits.length, results: page.map((o) => toPublic(o, body.properties ?? [])) };
  if (start + limit < hits.length) out.paging = { next: { after: String(start + limit) } };
  return out;
}

function matches(o: CrmObject, f: Filter): boolean {
  const v = f.propertyName === 'hs_object_id' ? o.id : o.properties[f.propertyName];
  // HubSpot compares string values case-insensitively.
  const eq = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
  switch (f.operator) {
    case 'EQ':
      return eq(v, f.value);
    case 'NEQ':
      return !eq(v, f.value);
    case 'IN':
      return (f.values ?? []).some((x) => eq(v, x));
    case 'NOT_IN':
      return !(f.values ?? []).some((x) => eq(v, x));
    case 'HAS_PROPERTY':
      return v !== undefined && v !== '';
    case 'NOT_HAS_PROPERTY':
      return v === undefined || v === '';
    case 'CONTAINS_TOKEN':
      return v !== undefined && f.value !== undefined && v.toLowerCase().includes(f.value.replace(/\*/g, '').toLowerCase());
    case 'GT':
    case 'GTE':
    case 'LT':
    case 'LTE':
      return compare(v, f.value, f.operator);
    case 'BETWEEN':
      return compare(v, f.value, 'GTE') && compare(v, (f as { highValue?: string }).highValue, 'LTE');
    default:
      return false;
  }
}

function compare(a: string | undefined, b: string | undefined, op: string): boolean {
  if (a === undefined || b === undefined) return false;
  const [x, y] = [Number(a), Number(b)].some(Number.isNaN) ? [a, b] : [Number(a), Number(b)];
  return op === 'GT' ? x > y : op === 'GTE' ? x >= y : op === 'LT' ? x < y : x <= y;
}
