import type { PaginationSpec } from '@hub/manifests';
import type { HttpAnswer, HttpRequest } from '../http/client.js';
import { evaluate, MANIFEST_LIMITS } from '../mapping/expressions.js';

const DEFAULT_MAX_PAGES = 20;

/**
 * Sends a request, then its next pages as the manifest's `http.pagination.next` reads them from each
 * answer (query parameters merged into the request's), until it gives null or `maxPages` is reached.
 * The caller stops early by leaving the loop: a lookup reads only as many pages as it needs.
 */
export async function* pages(
  send: (req: HttpRequest) => Promise<HttpAnswer>,
  req: HttpRequest,
  pagination: PaginationSpec,
  scope: Record<string, unknown>,
): AsyncGenerator<HttpAnswer> {
  let query = req.query ?? {};
  for (let page = 0; page < (pagination.maxPages ?? DEFAULT_MAX_PAGES); page++) {
    const answer = await send({ ...req, query });
    yield answer;
    const response = { status: answer.status, headers: answer.headers, body: answer.body };
    const next = await evaluate(pagination.next, { ...scope, response }, MANIFEST_LIMITS, 'http.pagination.next');
    if (next === null || next === undefined || typeof next !== 'object' || Array.isArray(next)) return;
    query = { ...query, ...(next as Record<string, unknown>) };
  }
}
