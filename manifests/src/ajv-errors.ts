import type { ErrorObject } from 'ajv';

/** An ajv error, for packages that read them without depending on ajv. */
export type AjvError = ErrorObject;

/** One schema failure, located by the path segments of the value at fault. */
export interface SchemaProblem {
  /** path segments from the validated value's root, e.g. ['config', 'location_id'] */
  path: string[];
  /** what is wrong, said with what is allowed: "must be one of success, failed, skipped" */
  message: string;
}

/** How one caller wants its problems worded. */
export interface DescribeOptions {
  /** what an object's keys are called to this reader: property (manifests), option (configs), field (requests) */
  noun?: string;
}

const MAX_LISTED = 15;
const list = (values: unknown[]) => {
  const shown = values.slice(0, MAX_LISTED).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > MAX_LISTED ? `${shown.join(', ')}, …` : shown.join(', ');
};
const segments = (pointer: string) =>
  pointer
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * The one reading of ajv errors for manifests, connection configs and API requests: every problem
 * with its path, a union of constants said as "must be one of a, b, c", a nullable field's own
 * error instead of "must be null" and "must match a schema in anyOf", unknown keys with the known
 * ones listed (when ajv ran with `verbose`).
 */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, opts: DescribeOptions = {}): SchemaProblem[] {
  const all = (errors ?? []).filter((e) => e.keyword !== 'if');
  const unions = all.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inUnion = new Set<ErrorObject>();
  // Each problem keeps the place of its first error, so they read in ajv's (the schema's) order.
  const found: Array<{ at: number; problems: SchemaProblem[] }> = [];
  // Innermost unions first, so a union inside a union is said once, by the inner one.
  for (const u of [...unions].sort((a, b) => b.schemaPath.length - a.schemaPath.length)) {
    const inside = all.filter((e) => e !== u && e.schemaPath.startsWith(`${u.schemaPath}/`));
    const fresh = inside.filter((e) => !inUnion.has(e));
    inside.forEach((e) => inUnion.add(e));
    inUnion.add(u);
    found.push({
      at: Math.min(all.indexOf(u), ...fresh.map((e) => all.indexOf(e))),
      problems: describeUnion(u, fresh, inside.length > fresh.length, opts),
    });
  }
  all.forEach((e, at) => {
    if (!inUnion.has(e)) found.push({ at, problems: [describeOne(e, opts)] });
  });
  const problems = found.sort((a, b) => a.at - b.at).flatMap((f) => f.problems);
  return dedupe(problems);
}

function describeUnion(u: ErrorObject, inside: ErrorObject[], innerSaid: boolean, opts: DescribeOptions): SchemaProblem[] {
  const path = segments(u.instancePath);
  const allowed: unknown[] = [];
  const types: string[] = [];
  const specific: ErrorObject[] = [];
  for (const e of inside) {
    if (e.instancePath !== u.instancePath) specific.push(e);
    else if (e.keyword === 'const') allowed.push(e.params.allowedValue);
    else if (e.keyword === 'enum') allowed.push(...(e.params.allowedValues as unknown[]));
    else if (e.keyword === 'type') types.push(String(e.params.type));
    else specific.push(e);
  }
  // A value of the right type that breaks a rule of its branch (a format, a pattern, a nested key) is
  // the error that helps; the other branches ("must be null") only add noise.
  if (specific.length) return specific.map((e) => describeOne(e, opts));
  if (innerSaid) return [];
  const nullable = types.includes('null');
  if (allowed.length) return [{ path, message: `must be one of ${list(allowed)}${nullable ? ', or null' : ''}` }];
  if (types.length) return [{ path, message: `must be ${[...new Set(types)].join(' or ')}` }];
  return [{ path, message: u.message ?? 'is invalid' }];
}

function describeOne(e: ErrorObject, opts: DescribeOptions): SchemaProblem {
  const path = segments(e.instancePath);
  const noun = opts.noun ?? 'field';
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(e.params.missingProperty)], message: 'is required' };
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: [...path, String(e.params.additionalProperty)],
        message: `is not a known ${noun}${known.length ? ` (known: ${list(known)})` : ''}`,
      };
    }
    case 'enum':
      return { path, message: `must be one of ${list(e.params.allowedValues as unknown[])}` };
    case 'const':
      return { path, message: `must be ${list([e.params.allowedValue])}` };
    case 'type':
      return { path, message: `must be ${String(e.params.type).replace(',', ' or ')}` };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('/')} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
