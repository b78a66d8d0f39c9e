import type { AuthSpec } from '@hub/manifests';
import { createAuthStrategy } from '../auth/index.js';
import type { AuthStrategy, Credentials } from '../auth/types.js';
import type { HttpAnswer, PreparedRequest } from './client.js';
import { REDACTED, redact, redactText, redactUrl } from './redact.js';
import type { PreviewRequest } from '../sync/preview.js';

export type { PreviewRequest };

/** Ids a dry run's writes answer with: numeric, so CRMs whose ids are numbers can cast them. */
export const PREVIEW_ID_BASE = 100_000_001;

// Reads, searches and recovery lookups: answered "nothing there" so the step goes on to write.
const LOOKUP_PATH = /\/(search|query|parameterizedSearch)\b|\/batch\/read\b/i;

/**
 * A transport for a connector's client that records instead of sending. Every lookup (GET, or a
 * search by POST) answers not found (the operation's own not-found status when it declares one,
 * else an empty 200), every write answers a placeholder id in the shapes CRMs wrap a created record
 * in, so the step code (manifest requests and hooks) runs to its end and later steps get an id.
 */
export class DryRunRecorder {
  private next = PREVIEW_ID_BASE;
  private recorded: PreviewRequest[] = [];

  /**
   * @param secrets the connection's secret values in every form, replaced wherever they occur
   * @param tenantUrl true when the connector's URLs come from the tenant and are themselves secret
   */
  constructor(
    private readonly secrets: () => string[],
    private readonly tenantUrl: boolean,
  ) {}

  /** The requests recorded since the last call, oldest first. */
  take(): PreviewRequest[] {
    const out = this.recorded;
    this.recorded = [];
    return out;
  }

  /** A text (an error message) with the connection's secrets replaced. */
  scrub(text: string): string {
    return redactText(text, this.secrets());
  }

  /** The transport: records one request and answers it. */
  readonly send = async (req: PreparedRequest): Promise<HttpAnswer> => {
    const lookup = req.method.toUpperCase() === 'GET' || LOOKUP_PATH.test(req.url.pathname);
    const id = lookup ? undefined : String(this.next++);
    this.recorded.push(this.describe(req, id === undefined ? 'not found' : { id }));
    if (id === undefined) {
      const status = req.accept?.find((s) => s === 404 || s === 204) ?? 200;
      return { status, headers: {}, body: {}, durationMs: 0 };
    }
    const body = { id, data: { id }, contact: { id }, note: { id }, results: [{ id }], call_id: id };
    return { status: 200, headers: { 'content-type': 'application/json' }, body, durationMs: 0 };
  };

  private describe(req: PreparedRequest, answered: PreviewRequest['answered']): PreviewRequest {
    const secrets = this.secrets();
    // The placeholder a query-string key carries reads as itself, not percent-encoded.
    const url = this.tenantUrl ? redactUrl(req.url) : redactText(req.url.href, secrets).split(encodeURIComponent(REDACTED)).join(REDACTED);
    const headers: Record<string, string> = redact({ ...req.headers }, secrets);
    if (req.body !== undefined) headers['content-type'] ??= req.form ? 'application/x-www-form-urlencoded' : 'application/json';
    const body = req.body !== undefined ? { body: redact(req.body, secrets) } : {};
    return { method: req.method.toUpperCase(), url, headers, ...body, answered };
  }
}

// Any credential field a strategy reads is the placeholder, so a real secret never enters a preview.
const placeholders = new Proxy({} as Credentials, { get: (_t, key) => (typeof key === 'string' ? REDACTED : undefined) });

/**
 * The auth a dry run applies: the connector's own strategy over placeholder credentials, so the
 * preview shows where the key goes (header, query, Basic, Bearer) and never the key. OAuth shows its
 * bearer header without looking at, or refreshing, the stored token.
 */
export function dryRunAuth(spec: AuthSpec, connectorId: string): { strategy: AuthStrategy; credentials: Credentials } {
  const shown: AuthSpec = spec.type === 'oauth2' ? { type: 'bearer', field: 'access_token' } : spec;
  return { strategy: createAuthStrategy(shown, connectorId), credentials: placeholders };
}
