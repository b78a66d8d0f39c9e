import type { Manifest } from './schema.js';
import { parseTemplate } from './template.js';

/** A JSONata expression found in a manifest, with the JSON path where it sits. */
export interface FoundExpression {
  path: string;
  expr: string;
}

/** Lists every JSONata expression of a manifest (plain fields and `{{…}}` template parts). */
export function listExpressions(m: Manifest): FoundExpression[] {
  const found: FoundExpression[] = [];
  const plain = (path: string, expr: string | undefined) => {
    if (expr !== undefined) found.push({ path, expr });
  };
  const template = (path: string, text: string | undefined) => {
    if (text === undefined) return;
    for (const part of parseTemplate(text)) if ('expr' in part) found.push({ path, expr: part.expr });
  };
  template('/http/baseUrl', m.http.baseUrl);
  for (const [k, v] of Object.entries(m.http.headers ?? {})) template(`/http/headers/${k}`, v);
  plain('/http/errorMessage', m.http.errorMessage);
  plain('/http/pagination/next', m.http.pagination?.next);
  for (const [name, op] of Object.entries(m.operations)) {
    if (!op) continue;
    const at = `/operations/${name}`;
    plain(`${at}/when`, op.when);
    for (const [where, spec] of [
      [at, op],
      [`${at}/recover`, op.recover],
    ] as const) {
      if (!spec) continue;
      plain(`${where}/output`, spec.output);
      if (!spec.request) continue;
      template(`${where}/request/path`, spec.request.path);
      template(`${where}/request/url`, spec.request.url);
      plain(`${where}/request/query`, spec.request.query);
      plain(`${where}/request/body`, spec.request.body);
      for (const [k, v] of Object.entries(spec.request.headers ?? {})) template(`${where}/request/headers/${k}`, v);
    }
  }
  for (const [name, expr] of Object.entries(m.mappings ?? {})) plain(`/mappings/${name}`, expr);
  return found;
}
