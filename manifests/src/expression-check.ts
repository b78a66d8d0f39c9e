import jsonata from 'jsonata';

// JSONata 2's own functions ($now and $millis are bound per evaluation, the rest in its static frame).
const JSONATA_FUNCTIONS = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'eval',
  'toMillis',
  'fromMillis',
  'clone',
  'now',
  'millis',
];

/** Functions the engine adds to every expression (core's mapping/functions.ts registers exactly these; a test checks). */
export const ENGINE_FUNCTIONS = [
  'e164',
  'firstName',
  'lastName',
  'apptStart',
  'apptStartUtc',
  'apptStartMs',
  'apptEnd',
  'apptEndUtc',
  'isoToMillis',
  'addDays',
  'callNote',
  'callMarker',
  'hasCallMarker',
  'callResult',
] as const;

/** The names at the top of the context manifest expressions see (`response` only where an answer is read). */
export const CONTEXT_NAMES = ['call', 'config', 'connection', 'credentials', 'input', 'steps', 'contact', 'response'] as const;

const KNOWN_FUNCTIONS = new Set<string>([...JSONATA_FUNCTIONS, ...ENGINE_FUNCTIONS]);

type Node = { type: string; value?: unknown; [k: string]: unknown };

/**
 * Problems a compiled expression would only show when a job runs: a function that does not exist
 * (`$firstname`) and a name at the top of the context that is not one of `roots` (`contatc.id`).
 * Names inside a path's later steps, filters and object constructors are the current item's fields,
 * so only a path's first step at the top is checked. Variables bound in the expression are known.
 */
export function checkExpression(expr: string, roots: readonly string[] = CONTEXT_NAMES): string[] {
  let ast: Node;
  try {
    ast = jsonata(expr).ast() as Node;
  } catch {
    return []; // compile errors are reported by the caller
  }
  const bound = new Set<string>();
  collectBound(ast, bound);
  const problems = new Set<string>();
  walk(ast, true, (node, atRoot) => {
    if (node.type === 'function' || node.type === 'partial') {
      const proc = node.procedure as Node | undefined;
      const name = proc?.type === 'variable' ? String(proc.value) : undefined;
      if (name && !KNOWN_FUNCTIONS.has(name) && !bound.has(name))
        problems.add(`calls $${name}(), which is not a JSONata or engine function${suggest(name, [...KNOWN_FUNCTIONS], '$')}`);
    }
    if (atRoot && node.type === 'path') {
      const first = (node.steps as Node[])[0];
      if (first?.type === 'name' && !roots.includes(String(first.value))) {
        problems.add(
          `reads "${String(first.value)}", which the context does not have (it has ${roots.join(', ')})${suggest(String(first.value), [...roots], '')}`,
        );
      }
    }
  });
  return [...problems];
}

function collectBound(node: unknown, bound: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => collectBound(n, bound));
  const n = node as Node;
  if (n.type === 'bind' && (n.lhs as Node)?.type === 'variable') bound.add(String((n.lhs as Node).value));
  if (n.type === 'lambda') for (const a of (n.arguments as Node[]) ?? []) bound.add(String(a.value));
  for (const [k, v] of Object.entries(n)) if (k !== 'position') collectBound(v, bound);
}

// Visits every node; `atRoot` is false where names are relative to the current item of a path.
function walk(node: unknown, atRoot: boolean, visit: (n: Node, atRoot: boolean) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => walk(n, atRoot, visit));
  const n = node as Node;
  visit(n, atRoot);
  if (n.type === 'path') {
    (n.steps as Node[]).forEach((step, i) => walk(step, atRoot && i === 0 && step.type !== 'name', visit));
    if (n.group) walk(n.group, false, visit);
    return;
  }
  for (const [k, v] of Object.entries(n)) {
    if (k === 'position' || k === 'procedure') continue;
    // A step's filters and sort terms read the step's items; everything else keeps the caller's context.
    walk(v, k === 'stages' || k === 'predicate' || k === 'terms' || k === 'group' ? false : atRoot, visit);
  }
}

function suggest(name: string, known: string[], prefix: string): string {
  const close = known.find((k) => k.toLowerCase() === name.toLowerCase() || distance(k, name) <= 2);
  return close ? `; did you mean ${prefix}${close}?` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
