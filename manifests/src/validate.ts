import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ManifestSchema, type Manifest } from './schema.js';
import { crossChecks } from './cross-checks.js';
import { migrateManifest } from './migrate.js';
import { describeAjvErrors } from './ajv-errors.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** One problem found in a manifest, located by JSON path. */
export interface ManifestProblem {
  path: string;
  message: string;
}

/** The outcome of validating a manifest. */
export type ManifestResult = { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] };

// verbose: errors carry their schema, so an unknown key is answered with the known ones.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
addFormats(ajv);
const checkSchema = ajv.compile<Manifest>(ManifestSchema);
const authBranches = new Map(
  (ManifestSchema.properties.auth.anyOf as Array<{ properties: { type: { const: string } } }>).map((branch) => [
    branch.properties.type.const,
    ajv.compile(branch),
  ]),
);

/** The schema's problems as JSON paths under `prefix`. */
function describe(errors: Parameters<typeof describeAjvErrors>[0], prefix = ''): ManifestProblem[] {
  return describeAjvErrors(errors, { noun: 'property' }).map((p) => ({
    path: prefix + (p.path.length ? `/${p.path.join('/')}` : '') || '/',
    message: p.message,
  }));
}

// A union reports every branch's errors; a manifest author wants the errors of the branch they chose.
function authProblems(auth: unknown): ManifestProblem[] {
  const type = typeof auth === 'object' && auth !== null ? (auth as { type?: unknown }).type : undefined;
  const branch = typeof type === 'string' ? authBranches.get(type) : undefined;
  if (!branch) return [{ path: '/auth/type', message: `must be one of ${[...authBranches.keys()].join(', ')}` }];
  branch(auth);
  return describe(branch.errors, '/auth');
}

/**
 * Validates raw JSON as a connector manifest: schema, auth branch, cross-references, the config schema,
 * and every JSONata expression (compiles, calls known functions, reads names the context has).
 */
export function validateManifest(raw: unknown): ManifestResult {
  const migrated = migrateManifest(raw);
  if (!migrated.ok) return migrated;
  const candidate = structuredClone(migrated.value);
  if (checkSchema(candidate)) {
    const problems = crossChecks(candidate);
    return problems.length ? { ok: false, problems } : { ok: true, manifest: candidate };
  }
  const errors = checkSchema.errors ?? [];
  const problems = describe(errors.filter((e) => !e.instancePath.startsWith('/auth')));
  if (errors.some((e) => e.instancePath.startsWith('/auth'))) {
    problems.push(...authProblems((candidate as { auth?: unknown }).auth));
  }
  return { ok: false, problems: dedupe(problems) };
}

function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
