import type { ErrorRuleT } from '@hub/manifests';
import { classify, type Classification } from '../errors/classify.js';
import { HubError } from '../errors/hub-error.js';
import type { AuthContext, AuthStrategy } from '../auth/types.js';
import type { Priority, RateLimiter } from './limiter.js';
import { assertSafeUrl, guardedLookup } from './safe-url.js';
import { sendWire } from './transport.js';
import { redact, redactText, redactUrl } from './redact.js';
import { MAX_JSON_DEPTH, jsonTextDepth } from '../security/json-limits.js';
import { metrics, statusClass } from '../metrics.js';

/** A request as an operation declares it, after templating. */
export interface HttpRequest {
  method: string;
  url: string;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  form?: boolean;
  /** statuses that are answers, not errors (e.g. 404 meaning "no such contact") */
  accept?: number[];
}

/** An answer from the CRM. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  durationMs: number;
}

/** A secret-free summary of one exchange, for sync logs and `hub connector try`. */
export interface ExchangeSummary {
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  action: Classification['action'];
  reason: string;
  requestBody?: unknown;
  responseBody?: unknown;
}

/** A request ready to leave: query in the URL, header names lower-cased, auth applied. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  form?: boolean;
  accept?: number[];
}

/** What the hub calls itself to every CRM. */
const USER_AGENT = 'voice-crm-hub';

/** Something other than the network that answers prepared requests (a dry run's recorder). */
export type Transport = (req: PreparedRequest) => Promise<HttpAnswer>;

/** Everything one connection's client needs. */
export interface HttpClientOptions {
  connectorId: string;
  auth: AuthStrategy;
  authContext: AuthContext;
  limiter: RateLimiter;
  /** this client's place in the limiter's line: live (a caller waits) or background (a queued sync) */
  priority?: Priority;
  rules?: ErrorRuleT[];
  retryOn?: number[];
  timeoutMs?: number;
  /** apply the SSRF guard (URLs that come from the tenant) */
  guard: boolean;
  allowPrivate: boolean;
  /** known secret values, scrubbed from everything recorded */
  secrets: () => string[];
  /** extracts the CRM's own error message from an answer */
  errorMessage?: (answer: HttpAnswer) => Promise<string | undefined>;
  onExchange?: (summary: ExchangeSummary) => void;
  /** keep bodies in exchange summaries (the engineer's CLI); off in production logs */
  recordBodies?: boolean;
  /** answers every request instead of the network: no rate limit, no retry, no classification, nothing recorded */
  transport?: Transport;
}

/**
 * The one outbound HTTP client. It never retries by itself: it refreshes a rejected OAuth
 * token once, otherwise it turns every failure into a classified HubError and the job queue is
 * the single retry loop.
 */
export class ConnectorHttp {
  constructor(private readonly opts: HttpClientOptions) {}

  /** Sends one request and returns the answer, or throws a classified HubError. */
  async send(req: HttpRequest, signal?: AbortSignal): Promise<HttpAnswer> {
    if (this.opts.transport) return this.opts.transport(await this.prepare(req, false));
    let refreshed = false;
    for (;;) {
      const answer = await this.exchange(req, signal);
      const decision = classify(answer, {
        rules: this.opts.rules,
        retryOn: this.opts.retryOn,
        canRefresh: this.opts.auth.canRefresh,
        refreshed,
      });
      const accepted = req.accept?.includes(answer.status) ?? false;
      this.record(req, answer, accepted ? { action: 'ok', reason: `accepted ${answer.status}` } : decision);
      if (decision.action === 'ok' || accepted) return answer;
      if (decision.action === 'refresh' && this.opts.auth.refresh) {
        await this.opts.auth.refresh(this.opts.authContext);
        refreshed = true;
        continue;
      }
      throw await this.failure(decision, answer);
    }
  }

  /** The request as it leaves; `limited` takes a rate-limit slot between checking the URL and applying auth. */
  private async prepare(req: HttpRequest, limited: boolean, signal?: AbortSignal): Promise<PreparedRequest> {
    const url = this.opts.guard ? assertSafeUrl(req.url, 'url', this.opts.allowPrivate) : new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined || v === null) continue;
      for (const item of Array.isArray(v) ? v : [v])
        url.searchParams.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
    const defaults = { accept: 'application/json', 'user-agent': USER_AGENT };
    const outgoing = { method: req.method, url, headers: { ...defaults, ...lowerKeys(req.headers ?? {}) } };
    if (limited) await this.opts.limiter.acquire(signal, this.opts.priority);
    await this.opts.auth.apply(outgoing, this.opts.authContext);
    return { ...outgoing, body: req.body, form: req.form, accept: req.accept };
  }

  private async exchange(req: HttpRequest, signal?: AbortSignal): Promise<HttpAnswer> {
    const outgoing = await this.prepare(req, true, signal);
    const started = performance.now();
    const headers: Record<string, string> = { ...outgoing.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      // JSON.stringify as is: outbound callbacks sign exactly these bytes.
      body = req.form ? new URLSearchParams(req.body as Record<string, string>).toString() : JSON.stringify(req.body);
      headers['content-type'] ??= req.form ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    try {
      const res = await sendWire({
        method: req.method,
        url: outgoing.url,
        headers,
        body,
        timeoutMs: this.opts.timeoutMs ?? 15_000,
        signal,
        followRedirects: !this.opts.guard || this.opts.allowPrivate,
        ...(this.opts.guard && !this.opts.allowPrivate ? { lookup: guardedLookup } : {}),
      });
      // Every answer carries the CRM's own view of the quota; the limiter waits on it before the next request.
      this.opts.limiter.observe(res.headers);
      return {
        status: res.status,
        headers: res.headers,
        body: parseBody(res.text, res.headers['content-type']),
        durationMs: performance.now() - started,
      };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERR_UNKNOWN';
      if (code === 'HUB_UNSAFE_ADDRESS')
        throw new HubError('HUB_ERR_UNSAFE_URL', `${outgoing.url.hostname} resolves to a private or loopback address`, {
          retryable: false,
        });
      const decision = classify({ networkError: code });
      metrics.crmAnswer(this.opts.connectorId, 'network');
      const url = this.safeUrl(outgoing.url);
      this.opts.onExchange?.({
        method: req.method,
        url,
        durationMs: Math.round(performance.now() - started),
        action: decision.action,
        reason: decision.reason,
      });
      if (signal?.aborted) throw new HubError('HUB_ERR_CRM_TRANSIENT', 'request aborted', { cause: err });
      const details = { network: code, reason: decision.reason, notSent: decision.notSent === true };
      const message = `${this.opts.connectorId}: ${decision.reason} calling ${url}`;
      if (decision.action === 'retry') throw new HubError('HUB_ERR_CRM_TRANSIENT', message, { retryable: true, details });
      throw new HubError('HUB_ERR_CRM_REJECTED', message, { retryable: false, details });
    }
  }

  private async failure(decision: Classification, answer: HttpAnswer): Promise<HubError> {
    const crmMessage = redactText((await this.opts.errorMessage?.(answer)) ?? defaultMessage(answer.body), this.opts.secrets());
    const message = `${this.opts.connectorId} answered ${answer.status}: ${crmMessage || decision.reason}`;
    const details = { status: answer.status, reason: decision.reason };
    switch (decision.action) {
      case 'wait':
        this.opts.limiter.pause(decision.retryAfterMs ?? 1000);
        return new HubError('HUB_ERR_CRM_RATE_LIMITED', message, { retryAfterMs: decision.retryAfterMs, details });
      case 'retry':
        return new HubError('HUB_ERR_CRM_TRANSIENT', message, { retryAfterMs: decision.retryAfterMs, details });
      case 'auth':
      case 'refresh':
        return new HubError('HUB_ERR_CRM_AUTH', message, { retryable: false, details });
      default:
        return new HubError('HUB_ERR_CRM_REJECTED', message, {
          retryable: false,
          details: { ...details, body: redact(answer.body, this.opts.secrets()) },
        });
    }
  }

  private record(req: HttpRequest, answer: HttpAnswer, decision: Classification): void {
    metrics.crmAnswer(this.opts.connectorId, statusClass(answer.status));
    if (!this.opts.onExchange) return;
    const secrets = this.opts.secrets();
    this.opts.onExchange({
      method: req.method,
      url: this.safeUrl(new URL(req.url)),
      status: answer.status,
      durationMs: Math.round(answer.durationMs),
      action: decision.action,
      reason: decision.reason,
      ...(this.opts.recordBodies ? { requestBody: redact(req.body, secrets), responseBody: redact(answer.body, secrets) } : {}),
    });
  }

  // A tenant's URL (a catch hook, a callback) is itself a secret: only its scheme, host and port are
  // written down. A CRM's URL keeps its path (useful in logs) unless a secret is in it; query strings
  // can carry keys and are never kept.
  private safeUrl(url: URL): string {
    if (this.opts.guard) return redactUrl(url);
    const full = `${url.origin}${url.pathname}`;
    return redactText(full, this.opts.secrets()) === full ? full : redactUrl(url);
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function parseBody(text: string, contentType?: string): unknown {
  if (!text) return undefined;
  // A body nested deeper than the hub accepts anywhere stays text: stored as a parsed step output, it would break later reads.
  if ((contentType?.includes('json') || /^[[{"]/.test(text.trimStart())) && jsonTextDepth(text) <= MAX_JSON_DEPTH) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** The CRM's own message from the usual error shapes (HubSpot, Google, Salesforce arrays, OAuth). */
export function defaultMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  const b = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return '';
  const err = b.error as Record<string, unknown> | string | undefined;
  const msg = b.message ?? (typeof err === 'object' ? err?.message : undefined) ?? b.error_description ?? err ?? b.msg;
  const code = b.errorCode ?? b.category;
  return [code, msg]
    .filter((x) => typeof x === 'string' || typeof x === 'number')
    .join(': ')
    .slice(0, 300);
}
