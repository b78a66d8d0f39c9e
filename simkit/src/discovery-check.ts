import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
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

type Json = Record<string, unknown>;
interface DiscoveryParam {
  location?: string;
  required?: boolean;
  type?: string;
  enum?: unknown[];
  repeated?: boolean;
}
interface DiscoveryMethod {
  id: string;
  path: string;
  httpMethod: string;
  parameters?: Record<string, DiscoveryParam>;
  request?: { $ref: string };
}

const cache = new Map<string, DiscoveryChecker>();
let docSeq = 0;

/** Loads a Google API discovery document once per process and returns its request checker. */
export function loadDiscovery(file: string): SpecChecker {
  const abs = resolve(file);
  let c = cache.get(abs);
  if (c === undefined) {
    c = new DiscoveryChecker(abs, JSON.parse(readFileSync(abs, 'utf8')) as Json);
    cache.set(abs, c);
  }
  return c;
}

/** Checks requests against a discovery document: resources → methods → path, parameters, request schema. */
class DiscoveryChecker implements SpecChecker {
  // Google accepts RFC 3339 local times when a timeZone field goes with them.
  private readonly ajv: Ajv = makeAjv({ lenientDateTime: true });
  private readonly base = `https://simkit.invalid/discovery-${++docSeq}.json`;
  private readonly templates: PathTemplate[] = [];
  private readonly methods = new Map<string, DiscoveryMethod[]>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly globalParams: Record<string, DiscoveryParam>;

  constructor(
    readonly source: string,
    private readonly doc: Json,
  ) {
    // Discovery refs are bare schema names ("Event"); point them at definitions of one registered document.
    const defs = absolutiseRefs(doc.schemas ?? {}, this.base, (r) => `${this.base}#/definitions/${r}`);
    this.ajv.addSchema({ definitions: anyToUntyped(defs) }, this.base);
    this.globalParams = (doc.parameters ?? {}) as Record<string, DiscoveryParam>;
    const servicePath = `/${String(doc.servicePath ?? '')}`.replace(/\/+/g, '/');
    const seen = new Map<string, PathTemplate>();
    for (const m of collectMethods(doc.resources as Json | undefined)) {
      const full = servicePath + m.path;
      let t = seen.get(full);
      if (t === undefined) {
        t = compileTemplate(full);
        seen.set(full, t);
        this.templates.push(t);
      }
      this.methods.set(full, [...(this.methods.get(full) ?? []), m]);
    }
    this.templates.sort(byLiteral);
  }

  check(req: CheckedRequest): SpecResult {
    const hit = matchPath(this.templates, req.path);
    if (hit === undefined) return { matched: false, problems: [] };
    const template = hit.t.template;
    const m = this.methods.get(template)?.find((x) => x.httpMethod.toUpperCase() === req.method.toUpperCase());
    if (m === undefined) return { matched: true, template, problems: [`${req.method} ${template}: method not in spec`] };
    const problems: string[] = [];
    const params = { ...this.globalParams, ...(m.parameters ?? {}) };
    for (const [name, p] of Object.entries(params)) {
      const value = p.location === 'path' ? hit.params[name] : req.query[name];
      if (value === undefined || value === '') {
        if (p.required) problems.push(`${p.location ?? 'query'} parameter "${name}" is required`);
        continue;
      }
      problems.push(...checkScalar(`${p.location ?? 'query'} parameter "${name}"`, value, p));
    }
    if (m.request) problems.push(...this.checkBody(m, req.body));
    return { matched: true, template, operation: m.id, problems };
  }

  private checkBody(m: DiscoveryMethod, body: unknown): string[] {
    if (body === undefined || body === null || body === '') return ['request body is required'];
    let v = this.validators.get(m.id);
    if (v === undefined) {
      const name = m.request?.$ref ?? '';
      // Fields the schema marks "required" only for some methods (e.g. Event.start for events.insert).
      const required = requiredFor(this.doc, name, m.id);
      v = this.ajv.compile({ allOf: [{ $ref: `${this.base}#/definitions/${name}` }, { required }] });
      this.validators.set(m.id, v);
    }
    return v(body) ? [] : ajvProblems('body', v.errors);
  }
}

function collectMethods(resources: Json | undefined): DiscoveryMethod[] {
  const out: DiscoveryMethod[] = [];
  for (const r of Object.values(resources ?? {}) as Json[]) {
    out.push(...Object.values((r.methods ?? {}) as Record<string, DiscoveryMethod>));
    out.push(...collectMethods(r.resources as Json | undefined));
  }
  return out;
}

function requiredFor(doc: Json, schemaName: string, methodId: string): string[] {
  const schema = ((doc.schemas ?? {}) as Record<string, Json>)[schemaName];
  const props = (schema?.properties ?? {}) as Record<string, { annotations?: { required?: string[] } }>;
  return Object.entries(props)
    .filter(([, p]) => p.annotations?.required?.includes(methodId))
    .map(([k]) => k);
}

/** Discovery's type "any" means unconstrained; JSON Schema has no such type. */
function anyToUntyped(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(anyToUntyped);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'type' && v === 'any') continue;
    // "required" and "id" mean other things in discovery schemas than in JSON Schema.
    if ((k === 'required' && typeof v === 'boolean') || (k === 'id' && typeof v === 'string')) continue;
    out[k] = anyToUntyped(v);
  }
  return out;
}
