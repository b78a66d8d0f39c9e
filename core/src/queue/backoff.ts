/** Retry timing of the job queue. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/** Defaults: 2 s doubling to 10 min, 8 attempts (about 20 minutes of trying). */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2000, capMs: 600_000, maxAttempts: 8 };

/**
 * Delay before the next attempt: exponential with jitter (half fixed, half random, so a burst of
 * failures spreads out), unless the CRM said when to come back: Retry-After wins.
 */
export function nextDelay(attempt: number, policy: BackoffPolicy, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.capMs);
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
