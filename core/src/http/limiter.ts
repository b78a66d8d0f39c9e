import type { RateLimitSpec } from '@hub/manifests';

/** Quota as the CRM reported it in its last answer. */
interface Reported {
  remaining: number;
  resetAt: number;
}

/**
 * A sliding-window limiter for one connection, sized from the manifest and tightened by the CRM's
 * own quota headers, so the hub waits before a request instead of bouncing off a 429.
 */
export class RateLimiter {
  private sent: number[] = [];
  private pausedUntil = 0;
  private reported?: Reported;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: RateLimitSpec | undefined,
    private readonly now: () => number = Date.now,
    /** the budget other processes share (MongoDB deployments): taken after this process's own turn */
    private readonly shared?: (signal?: AbortSignal) => Promise<void>,
  ) {}

  /** Waits until a request may be sent, then counts it. Calls are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitTurn(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Stops all sending until `ms` from now (a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Reads the quota headers of an answer. */
  observe(headers: Record<string, string | string[] | undefined>): void {
    const spec = this.spec;
    if (!spec?.remainingHeader) return;
    const remaining = Number(first(headers[spec.remainingHeader.toLowerCase()]));
    if (!Number.isFinite(remaining)) return;
    const resetAt = this.resetAt(headers);
    const prev = this.reported;
    // Answers to concurrent requests arrive out of order; within a window the quota only goes down,
    // so an older, higher figure must not undo a newer, lower one (that overshoots into 429s).
    this.reported =
      prev && prev.resetAt > this.now()
        ? { remaining: Math.min(prev.remaining, remaining), resetAt: Math.max(prev.resetAt, resetAt) }
        : { remaining, resetAt };
  }

  /** Requests left as the CRM last reported them, while that report's window lasts; undefined when it reports none. */
  remaining(): number | undefined {
    return this.reported && this.reported.resetAt > this.now() ? this.reported.remaining : undefined;
  }

  /** How long the next request would wait now, in ms (for tests and metrics). */
  delay(): number {
    const now = this.now();
    let wait = Math.max(0, this.pausedUntil - now);
    if (this.reported && this.reported.remaining <= 0 && this.reported.resetAt > now) wait = Math.max(wait, this.reported.resetAt - now);
    if (this.spec) {
      this.sent = this.sent.filter((t) => t > now - this.spec!.perMs);
      if (this.sent.length >= this.spec.requests) wait = Math.max(wait, this.sent[0] + this.spec.perMs - now);
    }
    return wait;
  }

  private async waitTurn(signal?: AbortSignal): Promise<void> {
    for (let wait = this.delay(); wait > 0; wait = this.delay()) await sleep(wait, signal);
    if (this.shared) await this.shared(signal);
    this.sent.push(this.now());
    if (this.reported && this.reported.remaining > 0) this.reported.remaining -= 1;
  }

  private resetAt(headers: Record<string, string | string[] | undefined>): number {
    const spec = this.spec!;
    const now = this.now();
    const raw = spec.resetHeader ? Number(first(headers[spec.resetHeader.toLowerCase()])) : NaN;
    if (Number.isFinite(raw)) {
      if (spec.resetUnit === 'epochSeconds') return raw * 1000;
      return now + (spec.resetUnit === 'ms' ? raw : raw * 1000);
    }
    const interval = spec.intervalHeader ? Number(first(headers[spec.intervalHeader.toLowerCase()])) : NaN;
    return now + (Number.isFinite(interval) ? interval : spec.perMs);
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Resolves after ms, or rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
