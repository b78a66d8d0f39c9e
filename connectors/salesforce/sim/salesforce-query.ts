import type { Simulator } from '@hub/simkit';
import { FIELDS, type SfRecord, fieldName, phoneDigits, sfError, toApi } from './salesforce-objects.js';

interface Condition {
  field: string;
  op: string;
  value: string | null;
}

/** Runs the SOQL subset a hub needs: SELECT fields FROM Type [WHERE a = 'x' [AND|OR ...]] [ORDER BY f] [LIMIT n]. */
export function runSoql(sim: Simulator, version: string, soql: string): Record<string, unknown> {
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+[\w\s,]+?)?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(soql);
  if (!m) throw sfError(400, `unexpected token in query: ${soql.slice(0, 60)}`, 'MALFORMED_QUERY');
  const type = Object.keys(FIELDS).find((t) => t.toLowerCase() === m[2].toLowerCase());
  if (!type) throw sfError(400, `sObject type '${m[2]}' is not supported.`, 'INVALID_TYPE');
  const fields = m[1].split(',').map((f) => {
    const name = fieldName(type, f.trim());
    if (!name) throw sfError(400, `No such column '${f.trim()}' on entity '${type}'.`, 'INVALID_FIELD');
    return name;
  });
  const { conds, joins } = m[3] ? parseWhere(type, m[3]) : { conds: [], joins: [] };
  // SOQL reads the database directly, so unlike SOSL it sees a record as soon as it is written.
  let rows = sim.state
    .collection<SfRecord>(type)
    .all()
    .filter((r) => evaluate(r, conds, joins));
  if (m[4]) rows = rows.slice(0, Number(m[4]));
  return { totalSize: rows.length, done: true, records: rows.map((r) => toApi(type, version, r, fields)) };
}

function parseWhere(type: string, where: string): { conds: Condition[]; joins: string[] } {
  // field op value, where value is a quoted string with \' escapes, null, true/false or a number.
  const re = /\s*(\w+)\s*(=|!=|<>|LIKE)\s*('(?:[^'\\]|\\.)*'|null|true|false|-?\d+(?:\.\d+)?)\s*(AND|OR)?/giy;
  const conds: Condition[] = [];
  const joins: string[] = [];
  let pos = 0;
  let mm: RegExpExecArray | null;
  while ((mm = re.exec(where)) !== null) {
    const field = fieldName(type, mm[1]);
    if (!field) throw sfError(400, `No such column '${mm[1]}' on entity '${type}'.`, 'INVALID_FIELD');
    const raw = mm[3];
    const value = raw.toLowerCase() === 'null' ? null : raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    conds.push({ field, op: mm[2].toUpperCase(), value });
    if (mm[4]) joins.push(mm[4].toUpperCase());
    pos = re.lastIndex;
    if (!mm[4]) break;
  }
  if (conds.length === 0 || pos < where.length || joins.length !== conds.length - 1)
    throw sfError(400, `unexpected token in WHERE clause: ${where}`, 'MALFORMED_QUERY');
  return { conds, joins };
}

function evaluate(r: SfRecord, conds: Condition[], joins: string[]): boolean {
  if (conds.length === 0) return true;
  // Left to right, as the small subset never mixes AND and OR without parentheses.
  let acc = test(r, conds[0]);
  joins.forEach((j, i) => {
    acc = j === 'AND' ? acc && test(r, conds[i + 1]) : acc || test(r, conds[i + 1]);
  });
  return acc;
}

function test(r: SfRecord, c: Condition): boolean {
  const v = c.field === 'Id' ? r.id : r[c.field];
  if (c.value === null) return c.op === '=' ? v === undefined || v === null : v !== undefined && v !== null;
  const a = String(v ?? '').toLowerCase();
  const b = c.value.toLowerCase();
  if (c.op === 'LIKE')
    return new RegExp(
      `^${b
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')}$`,
    ).test(a);
  return c.op === '=' ? v !== undefined && a === b : a !== b;
}

/** Runs SOSL "FIND {term} IN PHONE|EMAIL|ALL FIELDS RETURNING Lead(Id, ...), Contact(Id)". */
export function runSosl(sim: Simulator, version: string, sosl: string, visible: (r: SfRecord) => boolean): Record<string, unknown> {
  const m = /^\s*FIND\s+\{((?:[^}\\]|\\.)*)\}\s+(?:IN\s+(ALL|PHONE|EMAIL|NAME)\s+FIELDS\s+)?RETURNING\s+(.+)$/is.exec(sosl);
  if (!m) throw sfError(400, `unexpected token in search: ${sosl.slice(0, 60)}`, 'MALFORMED_SEARCH');
  const term = m[1].replace(/\\(.)/g, '$1');
  const scope = (m[2] ?? 'ALL').toUpperCase();
  const targets = [...m[3].matchAll(/(\w+)\s*(?:\(([^)]*)\))?/g)];
  const out: Record<string, unknown>[] = [];
  for (const t of targets) {
    const type = Object.keys(FIELDS).find((x) => x.toLowerCase() === t[1].toLowerCase());
    if (!type) throw sfError(400, `sObject type '${t[1]}' is not supported.`, 'INVALID_TYPE');
    const fields = (t[2] ?? 'Id').split(',').map((f) => fieldName(type, f.trim()) ?? 'Id');
    const hits = sim.state.collection<SfRecord>(type).find((r) => visible(r) && matchesTerm(type, r, term, scope));
    out.push(...hits.map((r) => toApi(type, version, r, fields)));
  }
  return { searchRecords: out };
}

function matchesTerm(type: string, r: SfRecord, term: string, scope: string): boolean {
  const phoneFields = Object.entries(FIELDS[type])
    .filter(([, k]) => k === 'phone')
    .map(([f]) => f);
  const digits = phoneDigits(term);
  // Phone search ignores formatting: compare digits, allowing a missing country code on either side.
  const phoneHit =
    digits.length >= 7 &&
    phoneFields.some((f) => {
      const d = phoneDigits(r[f]);
      return d.length >= 7 && (d.endsWith(digits) || digits.endsWith(d));
    });
  if (scope === 'PHONE') return phoneHit;
  const text = Object.values(r).map((v) => String(v).toLowerCase());
  return phoneHit || text.some((v) => v.includes(term.toLowerCase().replace(/\*/g, '')));
}
