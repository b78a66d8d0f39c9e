/** Checks a simulator's success answers against the response schemas of the vendor's spec (OpenAPI JSON or YAML). */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';

type Json = Record<string, unknown>;

/** A checker of one spec file: `problems(method, template, status, body)` lists schema breaches. */
export function responseChecker(file: string): (method: string, template: string, status: number, body: unknown) => string[] {
  const text = readFileSync(file, 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Json;
  // Formats and vendor keywords (example, x-stoplight) say nothing about shape, so they are not enforced.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, logger: false });
  ajv.addSchema(doc, 'spec');
  const cache = new Map<string, ValidateFunction>();
  return (method, template, status, body) => {
    const key = `${method} ${template} ${status}`;
    let validate = cache.get(key);
    if (validate === undefined) {
      const op = ((doc.paths as Json)[template] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
      const schema = (((op?.responses as Json | undefined)?.[String(status)] as Json | undefined)?.content as Json | undefined)?.[
        'application/json'
      ] as Json | undefined;
      if (!schema?.schema) return [`${key}: no JSON response schema in the spec`];
      validate = ajv.compile(rewriteRefs(schema.schema) as Json);
      cache.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}

/** Points the schema's local "#/..." refs into the document registered as "spec". */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `spec${v}` : rewriteRefs(v)]),
  );
}
