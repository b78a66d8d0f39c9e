import type { ErrorRuleT } from '@hub/manifests';

/** What the engine should do about one HTTP answer or network error. */
export type Resolution = 'ok' | 'retry' | 'wait' | 'refresh' | 'fail' | 'auth';

/** The decision of classify(): an action, why, and how long to wait when the CRM said so. */
export interface Classification {
  action: Resolution;
  reason: string;
  retryAfterMs?: number;
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

const NETWORK_RETRYABLE = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'ERR_GOT_REQUEST_ERROR', 'UND_ERR_SOCKET']);

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
  if (outcome.networkError) {
    return NETWORK_RETRYABLE.has(outcome.networkError) || outcome.networkError.startsWith('E')
      ? { action: 'retry', reason: `network error ${outcome.networkError}` }
      : { action: 'fail', reason: `request error ${outcome.networkError}` };
  }
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
