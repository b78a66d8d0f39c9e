import type { ErrorRuleT } from '@hub/manifests';

/** What the engine should do about one HTTP answer or network error. */
export type Resolution = 'ok' | 'retry' | 'wait' | 'refresh' | 'fail' | 'auth';

/** The decision of classify(): an action, why, and how long to wait when the CRM said so. */
export interface Classification {
  action: Resolution;
  reason: string;
  retryAfterMs?: number;
  /** true when the failure proves the request never reached the server (no connection was made) */
  notSent?: boolean;
}

/** One answer (or failure) as classify() sees it. */
export interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** a network error code such as ECONNRESET or ETIMEDOUT */
  networkError?: string;
}

/** What the connector and connection contribute to the decision. */
export interface ClassifyPolicy {
  rules?: ErrorRuleT[];
  retryOn?: number[];
  /** true when a 401 can be fixed by refreshing an OAuth token */
  canRefresh?: boolean;
  /** true when this request already refreshed once */
  refreshed?: boolean;
  now?: number;
}

// Why a network error happened, whether a retry can help, and whether the request could have reached
// the server at all (a refused connection or a failed lookup never sent a byte; a reset or a timeout may
// have). Codes are Node's (system errors and TLS) and got's.
const NETWORK: Record<string, { retry: boolean; notSent: boolean; why: string }> = {
  ECONNREFUSED: { retry: true, notSent: true, why: 'connection refused' },
  ENOTFOUND: { retry: true, notSent: true, why: 'host not found (DNS)' },
  EAI_AGAIN: { retry: true, notSent: true, why: 'DNS lookup failed for now' },
  EHOSTUNREACH: { retry: true, notSent: true, why: 'host unreachable' },
  ENETUNREACH: { retry: true, notSent: true, why: 'network unreachable' },
  ECONNRESET: { retry: true, notSent: false, why: 'connection reset' },
  ETIMEDOUT: { retry: true, notSent: false, why: 'timed out' },
  ESOCKETTIMEDOUT: { retry: true, notSent: false, why: 'socket timed out' },
  ECONNABORTED: { retry: true, notSent: false, why: 'connection aborted' },
  EPIPE: { retry: true, notSent: false, why: 'connection closed while sending' },
  UND_ERR_SOCKET: { retry: true, notSent: false, why: 'socket closed' },
  ERR_GOT_REQUEST_ERROR: { retry: true, notSent: false, why: 'request failed' },
};

// A certificate the client refuses stays refused until someone fixes it: retrying only delays the news.
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** The decision for a failure that produced no HTTP answer. */
function classifyNetwork(code: string): Classification {
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    // The handshake failed, so no request was sent; nothing will change until the certificate or URL does.
    return { action: 'fail', reason: `TLS failure ${code}: the server's certificate or protocol is refused`, notSent: true };
  }
  const known = NETWORK[code];
  if (known) return { action: known.retry ? 'retry' : 'fail', reason: `network error ${code}: ${known.why}`, notSent: known.notSent };
  // Other system errors (E…) are most often passing; got's own ERR_… codes name a bug in the request.
  return code.startsWith('E') && !code.startsWith('ERR_')
    ? { action: 'retry', reason: `network error ${code}`, notSent: false }
    : { action: 'fail', reason: `request error ${code}`, notSent: false };
}

function header(h: Outcome['headers'], name: string): string | undefined {
  if (!h) return undefined;
  const v = h[name.toLowerCase()] ?? h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads Retry-After (seconds or HTTP date) into milliseconds. */
export function retryAfterMs(headers: Outcome['headers'], now = Date.now()): number | undefined {
  const raw = header(headers, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function matches(rule: ErrorRuleT, status: number, body: unknown): boolean {
  if (rule.status ? !rule.status.includes(status) : status < 300) return false;
  if (!rule.bodyContains) return true;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  return text.includes(rule.bodyContains);
}

/**
 * Decides retry / wait / refresh-then-retry / fail for one outcome. Pure: the same outcome and
 * policy always give the same answer, so the table of cases is tested directly.
 */
export function classify(outcome: Outcome, policy: ClassifyPolicy = {}): Classification {
  if (outcome.networkError) return classifyNetwork(outcome.networkError);
  const status = outcome.status ?? 0;
  const wait = retryAfterMs(outcome.headers, policy.now);
  for (const rule of policy.rules ?? []) {
    if (!matches(rule, status, outcome.body)) continue;
    const reason = rule.reason ?? `manifest rule for ${status}`;
    if (rule.action === 'refresh') return refreshOrAuth(policy, reason);
    return { action: rule.action, reason, ...(rule.action === 'wait' || rule.action === 'retry' ? { retryAfterMs: wait } : {}) };
  }
  if (status >= 200 && status < 300) return { action: 'ok', reason: 'success' };
  if (status === 429) return { action: 'wait', reason: 'rate limited (429)', retryAfterMs: wait };
  if (status === 401) return refreshOrAuth(policy, 'unauthorized (401)');
  if (status === 408 || status >= 500 || policy.retryOn?.includes(status)) {
    return { action: 'retry', reason: `transient (${status})`, retryAfterMs: wait };
  }
  return { action: 'fail', reason: `rejected (${status})` };
}

function refreshOrAuth(policy: ClassifyPolicy, reason: string): Classification {
  if (policy.canRefresh && !policy.refreshed) return { action: 'refresh', reason: `${reason}: refresh the token and retry once` };
  return { action: 'auth', reason: `${reason}: credentials rejected` };
}
