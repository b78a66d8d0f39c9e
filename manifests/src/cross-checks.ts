import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import jsonata from 'jsonata';
import type { Manifest } from './schema.js';
import { listExpressions } from './expressions.js';
import { checkExpression, CONTEXT_NAMES } from './expression-check.js';
import type { ManifestProblem } from './validate.js';

// A separate Ajv: the config schema is the connector's own, compiled here only to prove it compiles.
const configAjv = new AjvModule.default({ allErrors: true, strict: false });
addFormatsModule.default(configAjv);

// `http.errorMessage` is evaluated over the answer alone.
const ROOTS_BY_PATH: Record<string, readonly string[]> = { '/http/errorMessage': ['response'] };

/** What the schema cannot say: references between parts of the manifest, and expressions that compile but cannot work. */
export function crossChecks(m: Manifest): ManifestProblem[] {
  return [...operationChecks(m), ...voiceChecks(m), ...configChecks(m), ...expressionChecks(m)];
}

function operationChecks(m: Manifest): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const hooks = new Set(m.hooks ?? []);
  for (const [name, op] of Object.entries(m.operations)) {
    if (!op) continue;
    for (const [at, spec] of [
      [`/operations/${name}`, op],
      [`/operations/${name}/recover`, op.recover],
    ] as const) {
      if (!spec) continue;
      if (!spec.request && !spec.hook) problems.push({ path: at, message: 'needs a request or a hook' });
      if (spec.request && !spec.request.path && !spec.request.url) problems.push({ path: `${at}/request`, message: 'needs path or url' });
      if (spec.request?.paginate && !m.http.pagination)
        problems.push({ path: `${at}/request/paginate`, message: 'needs /http/pagination (how this CRM pages)' });
      if (spec.hook && !hooks.has(spec.hook))
        problems.push({ path: `${at}/hook`, message: `names hook "${spec.hook}", which is not listed in /hooks` });
    }
  }
  return problems;
}

// A voice provider places calls through `placeCall` and receives events through two hooks; half of it is a mistake.
function voiceChecks(m: Manifest): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const outbound = m.capabilities.includes('outbound');
  if (outbound && !m.operations.placeCall)
    problems.push({ path: '/operations/placeCall', message: 'is required by the "outbound" capability' });
  if (!outbound && m.operations.placeCall)
    problems.push({ path: '/capabilities', message: 'must include "outbound" when /operations/placeCall is declared' });
  const hooks = new Set(m.hooks ?? []);
  for (const key of ['verifyEvent', 'readEvent', 'answerInbound'] as const) {
    const name = m.voice?.[key];
    if (name && !hooks.has(name)) problems.push({ path: `/voice/${key}`, message: `names hook "${name}", which is not listed in /hooks` });
  }
  return problems;
}

function configChecks(m: Manifest): ManifestProblem[] {
  if (!m.config) return [];
  try {
    configAjv.compile(m.config);
    return [];
  } catch (err) {
    return [{ path: '/config', message: `is not a valid JSON Schema: ${(err as Error).message}` }];
  }
}

function expressionChecks(m: Manifest): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const { path, expr } of listExpressions(m)) {
    try {
      jsonata(expr);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      problems.push({ path, message: `JSONata does not compile: ${e.message ?? String(err)} (at ${e.position ?? '?'}) in "${expr}"` });
      continue;
    }
    for (const message of checkExpression(expr, ROOTS_BY_PATH[path] ?? CONTEXT_NAMES))
      problems.push({ path, message: `${message}, in "${expr}"` });
  }
  return problems;
}
