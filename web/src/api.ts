/** The hub's error answer: `{statusCode, code, error, message, field}` (and `problems` for schema failures). */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  field?: string;
  problems?: Array<{ field: string; message: string }>;
}

/** The hub answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The hub could not be reached at all (offline, server down, connection reset). */
export class NetworkError extends Error {
  constructor(message = 'The hub could not be reached') {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A JSON client bound to the tenant's key; a refused key calls `onUnauthorized`. */
export type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

/** Makes an Api; every request carries `Authorization: Bearer <key>` and only goes to this origin. */
export function createApi(key: string, onUnauthorized: (message: string) => void, fetchImpl: typeof fetch = (...a) => fetch(...a)): Api {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetchImpl(path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new NetworkError(err instanceof Error && err.message ? `The hub could not be reached (${err.message})` : undefined);
    }
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (res.ok) return parsed as T;
    const errBody = toErrorBody(res.status, parsed, text);
    if (res.status === 401) onUnauthorized(errBody.message);
    throw new ApiError(res.status, errBody);
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toErrorBody(status: number, parsed: unknown, text: string): ApiErrorBody {
  if (parsed && typeof parsed === 'object' && 'message' in parsed) return parsed as ApiErrorBody;
  return { statusCode: status, code: 'HTTP_ERROR', error: `HTTP ${status}`, message: text.slice(0, 300) || `The hub answered ${status}` };
}

/**
 * Where an API error belongs in a form: the control named by `field` (and by each of `problems`),
 * keyed without the `body.` / `auth_data.` prefixes the hub may add; anything else goes under ''.
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return { '': err instanceof Error ? err.message : String(err) };
  const out: Record<string, string> = {};
  const problems = err.body.problems?.length
    ? err.body.problems
    : err.body.field
      ? [{ field: err.body.field, message: err.body.message }]
      : [];
  for (const p of problems) {
    const key = fieldKey(p.field);
    const message = stripFieldPrefix(p.message, [p.field, `body.${key}`, key]);
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  if (!problems.length) out[''] = err.body.message;
  return out;
}

/** `body.config.location_id` → `config.location_id`; `auth_data.api_key` (or `credentials.api_key`) → `api_key`. */
export function fieldKey(field: string): string {
  return field
    .replace(/^body\./, '')
    .replace(/^(auth_data|credentials)\./, '')
    .replace(/^body$/, '');
}

/** "config.x: is required" beside the config.x control reads better as "is required". */
function stripFieldPrefix(message: string, prefixes: string[]): string {
  for (const prefix of prefixes) {
    if (!prefix || !message.startsWith(prefix)) continue;
    const rest = message.slice(prefix.length).replace(/^[:\s]+/, '');
    if (rest && /^[:\s]/.test(message.slice(prefix.length))) return rest;
  }
  return message;
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Path segment escaping for ids that come from people (agent ids, call ids). */
export const seg = (s: string): string => encodeURIComponent(s);
