import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import {
  type CheckedRequest,
  type PathTemplate,
  type SpecChecker,
  type SpecResult,
  absolutiseRefs,
  ajvProblems,
  byLiteral,
  checkScalar,
  compileTemplate,
  makeAjv,
  matchPath,
} from './spec-common.js';

export type { CheckedRequest, SpecChecker, SpecResult } from './spec-common.js';

type Json = Record<string, unknown>;
interface Param {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: unknown; enum?: unknown[] };
}
interface Operation {
  method: string;
  operationId?: string;
  params: Param[];
  bodyRequired: boolean;
  bodyPointers: Map<string, string>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const cache = new Map<string, OpenApiChecker>();
let docSeq = 0;

/** Loads an OpenAPI 3 document (JSON or YAML) once per process and returns its request checker. */
export function loadOpenApi(file: string): SpecChecker {
  const abs = resolve(file);
  let c = cache.get(abs);
  if (c === undefined) {
    const text = readFileSync(abs, 'utf8');
    const doc = (abs.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Json;
    c = new OpenApiChecker(abs, doc);
    cache.set(abs, c);
  }
  return c;
}

/** Checks requests against one OpenAPI 3 document; body validators compile on first use and stay cached. */
class OpenApiChecker implements SpecChecker {
  private readonly ajv: Ajv = makeAjv();
  // An absolute id so ajv resolves the document's own "#/components/..." refs against it.
  private readonly base = `https://simkit.invalid/openapi-${++docSeq}.json`;
  private readonly templates: PathTemplate[] = [];
  private readonly ops = new Map<string, Map<string, Operation>>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    readonly source: string,
    private readonly doc: Json,
  ) {
    this.ajv.addSchema(doc, this.base);
    // Servers like https://host/v1 put a prefix in front of every path.
    const servers = (doc.servers as Array<{ url: string }> | undefined) ?? [];
    const prefix = servers[0] ? new URL(servers[0].url, 'http://x').pathname.replace(/\/$/, '') : '';
    for (const [p, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      const t = compileTemplate(prefix + p);
      this.templates.push(t);
      this.ops.set(t.template, this.readOperations(p, item));
    }
    this.templates.sort(byLiteral);
  }

  check(req: CheckedRequest): SpecResult {
    const hit = matchPath(this.templates, req.path);
    if (hit === undefined) return { matched: false, problems: [] };
    const op = this.ops.get(hit.t.template)?.get(req.method.toLowerCase());
    const template = hit.t.template;
    if (op === undefined) return { matched: true, template, problems: [`${req.method} ${template}: method not in spec`] };
    const problems = [...this.checkParams(op, req, hit.params), ...this.checkBody(op, req)];
    return { matched: true, template, operation: op.operationId, problems };
  }

  private readOperations(p: string, item: Json): Map<string, Operation> {
    const out = new Map<string, Operation>();
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    const ptr = `#/paths/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    for (const m of METHODS) {
      const o = item[m] as Json | undefined;
      if (o === undefined) continue;
      const params = [...shared, ...((o.parameters as unknown[] | undefined) ?? [])].map((x) => this.deref(x) as Param);
      let bodyPtr = `${ptr}/${m}/requestBody`;
      let rb = o.requestBody as Json | undefined;
      if (rb && typeof rb.$ref === 'string') {
        bodyPtr = rb.$ref;
        rb = this.deref(rb) as Json;
      }
      const content = (rb?.content ?? {}) as Record<string, Json>;
      // One schema per declared media type; the request's Content-Type picks which applies.
      const bodyPointers = new Map(
        Object.keys(content)
          .filter((ct) => content[ct].schema !== undefined)
          .map((ct) => [ct.toLowerCase(), `${bodyPtr}/content/${ct.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`]),
      );
      out.set(m, {
        method: m,
        operationId: o.operationId as string | undefined,
        params,
        bodyRequired: rb?.required === true,
        bodyPointers,
      });
    }
    return out;
  }

  private checkParams(op: Operation, req: CheckedRequest, pathParams: Record<string, string>): string[] {
    const problems: string[] = [];
    const headers = lowerKeys(req.headers ?? {});
    for (const p of op.params) {
      const value =
        p.in === 'query'
          ? req.query[p.name]
          : p.in === 'header'
            ? headers[p.name.toLowerCase()]
            : p.in === 'path'
              ? pathParams[p.name]
              : undefined;
      if (value === undefined || value === '') {
        if (p.required && p.in !== 'cookie') problems.push(`${p.in} parameter "${p.name}" is required`);
        continue;
      }
      problems.push(...checkScalar(`${p.in} parameter "${p.name}"`, value, p.schema));
    }
    return problems;
  }

  private checkBody(op: Operation, req: CheckedRequest): string[] {
    const empty = req.body === undefined || req.body === null || req.body === '';
    if (empty) return op.bodyRequired ? ['request body is required'] : [];
    if (op.bodyPointers.size === 0) return [];
    const ct = (req.contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
    const ptr = op.bodyPointers.get(ct) ?? (/json/.test(ct) ? [...op.bodyPointers].find(([t]) => /json/.test(t))?.[1] : undefined);
    if (ptr === undefined) return [`content type ${ct} not accepted (spec: ${[...op.bodyPointers.keys()].join(', ')})`];
    let v = this.validators.get(ptr);
    if (v === undefined) {
      v = this.ajv.compile(absolutiseRefs(this.pointer(ptr), this.base) as Json);
      this.validators.set(ptr, v);
    }
    return v(req.body) ? [] : ajvProblems('body', v.errors);
  }

  private deref(x: unknown): unknown {
    let cur = x;
    for (let i = 0; i < 10 && cur && typeof cur === 'object' && typeof (cur as Json).$ref === 'string'; i++) {
      cur = this.pointer((cur as Json).$ref as string);
    }
    return cur;
  }

  private pointer(ref: string): unknown {
    const parts = ref
      .replace(/^#\/?/, '')
      .split('/')
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: unknown = this.doc;
    for (const part of parts) cur = part === '' ? cur : (cur as Json | undefined)?.[part];
    return cur;
  }
}

function lowerKeys(h: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Checks a request against several specs: the first spec that knows the path decides. */
export function checkAgainst(specs: SpecChecker[], req: CheckedRequest): SpecResult {
  // Several documents may share a path prefix; prefer the one that declares this method.
  const hits = specs.map((s) => s.check(req)).filter((r) => r.matched);
  return hits.find((r) => !r.problems.some((p) => p.endsWith('method not in spec'))) ?? hits[0] ?? { matched: false, problems: [] };
}
