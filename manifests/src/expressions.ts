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
  for (const [name, op] of Object.entries(m.operations)) {
    if (!op) continue;
    const at = `/operations/${name}`;
    plain(`${at}/when`, op.when);
    plain(`${at}/output`, op.output);
    if (op.request) {
      template(`${at}/request/path`, op.request.path);
      template(`${at}/request/url`, op.request.url);
      plain(`${at}/request/query`, op.request.query);
      plain(`${at}/request/body`, op.request.body);
      for (const [k, v] of Object.entries(op.request.headers ?? {})) template(`${at}/request/headers/${k}`, v);
    }
  }
  for (const [name, expr] of Object.entries(m.mappings ?? {})) plain(`/mappings/${name}`, expr);
  return found;
}
