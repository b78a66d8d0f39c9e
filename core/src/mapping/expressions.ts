import jsonata from 'jsonata';
import safeRegex from 'safe-regex2';
import { checkExpression as checkNames } from '@hub/manifests';
import { HubError } from '../errors/hub-error.js';
import { expressionFunctions } from './functions.js';

/** Limits for one evaluation: wall time and evaluation depth. */
export interface EvalLimits {
  timeoutMs: number;
  maxDepth: number;
  /** refuse regular expressions that can backtrack catastrophically (untrusted expressions) */
  safeRegexOnly?: boolean;
  /** refuse a result bigger than this many characters of text (counted while it is copied out) */
  maxResultChars?: number;
}

/** Limits for manifest expressions (trusted) and tenant expressions (untrusted). */
export const MANIFEST_LIMITS: EvalLimits = { timeoutMs: 1000, maxDepth: 300 };
/** Tenant expressions get tighter limits: they are edited through the API. */
// A single native call ($pad, $join) runs in one step the time limit cannot interrupt, and a 200 MB
// result then stalled the hub while it was copied and serialized; 4 M characters is far above any
// CRM body (a call's own text fields are capped well below it).
export const TENANT_LIMITS: EvalLimits = { timeoutMs: 250, maxDepth: 100, safeRegexOnly: true, maxResultChars: 4_000_000 };

type Compiled = ReturnType<typeof jsonata>;
const cache = new Map<string, Compiled>();
const CACHE_MAX = 5000;

function key(expr: string, limits: EvalLimits): string {
  return `${limits.timeoutMs}:${limits.maxDepth}:${limits.safeRegexOnly ? 1 : 0}:${expr}`;
}

/** Compiles an expression once (compiling costs several evaluations) and caches it with its limits. */
export function compile(expr: string, limits: EvalLimits = MANIFEST_LIMITS): Compiled {
  const k = key(expr, limits);
  let compiled = cache.get(k);
  if (!compiled) {
    try {
      compiled = jsonata(expr, { timeout: limits.timeoutMs, stack: limits.maxDepth });
      for (const [name, fn] of Object.entries(expressionFunctions)) compiled.registerFunction(name, fn as (...args: unknown[]) => unknown);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      throw new HubError('HUB_ERR_MAPPING', `JSONata does not compile: ${e.message ?? String(err)} (at ${e.position ?? '?'})`, {
        cause: err,
      });
    }
    // A regex runs natively in one step, so the time limit cannot stop one that backtracks: /(a+)+$/
    // over a long input blocked the whole hub for minutes. Such patterns are refused up front.
    const unsafe = limits.safeRegexOnly ? unsafeRegex(compiled.ast()) : undefined;
    if (unsafe)
      throw new HubError(
        'HUB_ERR_MAPPING',
        `JSONata regex ${unsafe} can backtrack catastrophically (nested or overlapping repetition); simplify it`,
      );
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(k, compiled);
  }
  return compiled;
}

/** The first regular expression literal in a JSONata AST that safe-regex2 judges unsafe, as /source/. */
function unsafeRegex(node: unknown, seen = new Set<unknown>()): string | undefined {
  if (node === null || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  if (node instanceof RegExp) return safeRegex(node) ? undefined : `/${node.source}/`;
  for (const child of Object.values(node)) {
    const found = unsafeRegex(child, seen);
    if (found) return found;
  }
  return undefined;
}

/** What a tenant's mapping sees at the top of its context (no credentials, no answer). */
export const TENANT_MAPPING_ROOTS = ['call', 'config', 'connection', 'steps', 'contact'] as const;

/**
 * Checks a tenant expression before it is stored: it compiles, calls only JSONata's and the engine's
 * functions, and reads only names its context has (`roots`); the first problem, or undefined.
 */
export function checkExpression(expr: string, roots: readonly string[] = TENANT_MAPPING_ROOTS): string | undefined {
  try {
    compile(expr, TENANT_LIMITS);
  } catch (err) {
    return (err as Error).message;
  }
  return checkNames(expr, roots)[0];
}

/**
 * Evaluates an expression over a context. JSONata collapses a one-element sequence to a bare
 * value and marks arrays with internal flags; results are normalised to plain JSON here.
 */
export async function evaluate(
  expr: string,
  context: unknown,
  limits: EvalLimits = MANIFEST_LIMITS,
  where = 'expression',
): Promise<unknown> {
  const compiled = compile(expr, limits);
  let result: unknown;
  try {
    result = await compiled.evaluate(context);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    const message =
      e.code === 'D1012'
        ? `took longer than ${limits.timeoutMs} ms`
        : e.code === 'D1011'
          ? `nested deeper than ${limits.maxDepth}`
          : (e.message ?? String(err));
    throw new HubError('HUB_ERR_MAPPING', `${where} failed: ${message}`, { cause: err, retryable: false });
  }
  if (result === undefined) return undefined;
  const budget = { left: limits.maxResultChars ?? Infinity };
  const plain = toPlain(result, budget);
  if (budget.left < 0)
    throw new HubError('HUB_ERR_MAPPING', `${where} failed: its result is larger than ${limits.maxResultChars} characters`, {
      retryable: false,
    });
  return plain;
}

/** Copies a JSONata result into plain JSON, charging its text to `budget` and stopping once it is spent. */
function toPlain(value: unknown, budget: { left: number }): unknown {
  if (budget.left < 0) return undefined;
  if (typeof value === 'string') budget.left -= value.length;
  else if (Array.isArray(value)) {
    budget.left -= value.length;
    return value.map((v) => toPlain(v, budget));
  } else if (value && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      budget.left -= k.length;
      if (v !== undefined && typeof v !== 'function') out[k] = toPlain(v, budget);
    }
    return out;
  } else budget.left -= 8;
  return value;
}
