import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** A request as the spec checkers see it. */
export interface CheckedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  /** The request's Content-Type, if any. */
  contentType?: string;
}

/** The outcome of checking one request against one spec. */
export interface SpecResult {
  /** False when no operation of the spec has this path. */
  matched: boolean;
  /** Matched path template, e.g. /crm/v3/objects/contacts/{contactId}. */
  template?: string;
  /** Operation id when the spec names one. */
  operation?: string;
  /** Human-readable problems; empty when the request matches the contract. */
  problems: string[];
}

/** Anything that can check a request against a vendor contract. */
export interface SpecChecker {
  /** The file it was loaded from. */
  readonly source: string;
  /** Checks one request; `matched: false` when the spec does not know the path. */
  check(req: CheckedRequest): SpecResult;
}

// Vendor specs use formats ajv-formats does not know; they constrain nothing we rely on.
const OPAQUE_FORMATS = [
  'int32',
  'int64',
  'uint32',
  'uint64',
  'float',
  'double',
  'byte',
  'binary',
  'password',
  'google-datetime',
  'google-duration',
  'google-fieldmask',
  'phone',
  'decimal',
  'timestamp',
  'url',
  'objectid',
];

/** One ajv instance per loaded spec, configured so vendor schemas compile and bad requests are named. */
export function makeAjv(opts: { lenientDateTime?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    logger: false,
    validateSchema: false,
  });
  // With NodeNext the CommonJS default export sits on `.default`.
  const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => void }).default ?? addFormatsModule;
  addFormats(ajv);
  for (const f of OPAQUE_FORMATS) ajv.addFormat(f, true);
  // Google accepts a dateTime without offset when a timeZone field accompanies it.
  if (opts.lenientDateTime) ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  return ajv;
}

/** Formats ajv errors as "body/path: message" lines. */
export function ajvProblems(
  where: string,
  errors: ReadonlyArray<{ instancePath: string; message?: string; params?: unknown }> | null | undefined,
): string[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.params && typeof e.params === 'object' && 'allowedValues' in e.params
        ? ` (${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)})`
        : '';
    return `${where}${e.instancePath || ''}: ${e.message ?? 'invalid'}${extra}`;
  });
}

/** A compiled path template. */
export interface PathTemplate {
  template: string;
  regex: RegExp;
  names: string[];
  /** Literal characters; more literal templates win over parameterised ones. */
  literal: number;
}

/** Compiles "/a/{id}/b" (and Google's "{+name}") into a matcher. */
export function compileTemplate(template: string): PathTemplate {
  const names: string[] = [];
  let literal = 0;
  const src = template
    .split(/(\{\+?[^}]+\})/)
    .map((part) => {
      const m = /^\{(\+?)([^}]+)\}$/.exec(part);
      if (!m) {
        literal += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(m[2]);
      return m[1] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { template, regex: new RegExp(`^${src}/?$`), names, literal };
}

/** Matches a concrete path against templates, most literal first; returns the template and decoded params. */
export function matchPath(templates: PathTemplate[], path: string): { t: PathTemplate; params: Record<string, string> } | undefined {
  for (const t of templates) {
    const m = t.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    t.names.forEach((n, i) => {
      params[n] = safeDecode(m[i + 1]);
    });
    return { t, params };
  }
  return undefined;
}

/** Sorts templates so the most literal one is tried first. */
export function byLiteral(a: PathTemplate, b: PathTemplate): number {
  return b.literal - a.literal || a.names.length - b.names.length;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Checks a scalar query/path/header value against a simple parameter schema (type and enum). */
export function checkScalar(where: string, value: unknown, schema: { type?: unknown; enum?: unknown[] } | undefined): string[] {
  if (schema === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  const problems: string[] = [];
  for (const v of values.map(String)) {
    if (schema.type === 'integer' && !/^-?\d+$/.test(v)) problems.push(`${where}: must be an integer, got "${v}"`);
    if (schema.type === 'number' && Number.isNaN(Number(v))) problems.push(`${where}: must be a number, got "${v}"`);
    if (schema.type === 'boolean' && v !== 'true' && v !== 'false') problems.push(`${where}: must be true or false, got "${v}"`);
    if (Array.isArray(schema.enum) && !schema.enum.map(String).includes(v))
      problems.push(`${where}: must be one of ${schema.enum.join(', ')}, got "${v}"`);
  }
  return problems;
}

/** Rewrites every local "#/..." $ref in a schema copy to point into the document registered as `base`. */
export function absolutiseRefs(node: unknown, base: string, rewrite: (ref: string) => string = (r) => `${base}${r}`): unknown {
  if (Array.isArray(node)) return node.map((n) => absolutiseRefs(n, base, rewrite));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' ? rewrite(v) : absolutiseRefs(v, base, rewrite);
  }
  return out;
}
