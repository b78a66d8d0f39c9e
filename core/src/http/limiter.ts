import type { RateLimitSpec } from '@hub/manifests';

/**
 * Who is waiting: `live` is someone on the phone (an inbound lookup, a mid-call tool), `background`
 * a queued sync that can take the next free slot a moment later.
 */
export type Priority = 'live' | 'background';

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
}

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
  private readonly waiting: Record<Priority, Waiter[]> = { live: [], background: [] };
  private pumping = false;
  /** ends the pump's current wait early (a live request arrived while background ones waited for room) */
  private wake?: () => void;
  /** the background pace (see {@link pace}): tokens left at `at` */
  private paced = { tokens: Number.NaN, at: 0 };

  constructor(
    private readonly spec: RateLimitSpec | undefined,
    private readonly now: () => number = Date.now,
    /** the budget other processes share (MongoDB deployments): taken after this process's own turn */
    private readonly shared?: (signal?: AbortSignal) => Promise<void>,
  ) {}

  /**
   * Waits until a request may be sent, then counts it. Waiting live requests go before waiting
   * background ones (a caller must not wait behind a sync backlog); each kind is served in order,
   * and every request, whatever its kind, counts against the same window.
   */
  acquire(signal?: AbortSignal, priority: Priority = 'live'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const line = this.waiting[priority];
      const onAbort = () => {
        const at = line.indexOf(waiter);
        if (at >= 0) line.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
        signal,
      };
      line.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (priority === 'live') this.wake?.();
      void this.pump();
    });
  }

  /** Requests waiting for a turn, per kind (for tests and metrics). */
  backlog(): Record<Priority, number> {
    return { live: this.waiting.live.length, background: this.waiting.background.length };
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

  /**
   * Slots of each window background requests leave free for live ones: a twentieth of the limit (at
   * least one from five requests a window up), so a ringing caller finds a slot even when a sync
   * backlog would spend the whole window at once.
   */
  reserve(): number {
    const n = this.spec?.requests ?? 0;
    return n >= 5 ? Math.max(1, Math.floor(n / 20)) : 0;
  }

  /**
   * How background requests are spread: at most `burst` at once (the reserve's size, at least one),
   * then one each `everyMs`, the window's own pace once the reserve is set aside. A backlog sent as
   * fast as the window allows would fill it in one burst and free nothing until that burst slid out
   * of it, a whole window later: every live request past the reserve would wait that long. Paced, a
   * slot frees every `everyMs`, and the live line takes it first.
   */
  pace(): { burst: number; everyMs: number } | undefined {
    if (!this.spec) return undefined;
    return { burst: Math.max(1, this.reserve()), everyMs: this.spec.perMs / (this.spec.requests - this.reserve()) };
  }

  /** Background tokens at `now`: the bucket starts full and refills at the pace, up to the burst. */
  private tokens(now: number): number {
    const pace = this.pace()!;
    if (Number.isNaN(this.paced.tokens)) return pace.burst;
    return Math.min(pace.burst, this.paced.tokens + (now - this.paced.at) / pace.everyMs);
  }

  /** How long the next request of that kind would wait now, in ms (for tests and metrics). */
  delay(priority: Priority = 'live'): number {
    const now = this.now();
    const keep = priority === 'live' ? 0 : this.reserve();
    let wait = Math.max(0, this.pausedUntil - now);
    if (priority === 'background' && this.spec) {
      const tokens = this.tokens(now);
      if (tokens < 1) wait = Math.max(wait, Math.ceil((1 - tokens) * this.pace()!.everyMs));
    }
    if (this.reported && this.reported.remaining <= keep && this.reported.resetAt > now) wait = Math.max(wait, this.reported.resetAt - now);
    if (this.spec) {
      this.sent = this.sent.filter((t) => t > now - this.spec!.perMs);
      const room = this.spec.requests - keep;
      if (this.sent.length >= room) wait = Math.max(wait, this.sent[this.sent.length - room] + this.spec.perMs - now);
    }
    return wait;
  }

  /** Sleeps up to `ms`; a live arrival ends it early so the pump looks again. */
  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * One loop hands out turns: the head of the live line when there is one (all of the window is
   * theirs), else the head of the background line once the window has room beyond the reserve.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.live.length || this.waiting.background.length) {
        const kind: Priority = this.waiting.live.length ? 'live' : 'background';
        const wait = this.delay(kind);
        if (wait > 0) {
          await this.nap(wait);
          continue;
        }
        const next = this.waiting[kind].shift();
        if (!next) continue;
        try {
          if (this.shared) await this.shared(next.signal);
        } catch (err) {
          next.reject(err);
          continue;
        }
        const now = this.now();
        if (kind === 'background' && this.spec) this.paced = { tokens: this.tokens(now) - 1, at: now };
        this.sent.push(now);
        if (this.reported && this.reported.remaining > 0) this.reported.remaining -= 1;
        next.resolve();
      }
    } finally {
      this.pumping = false;
    }
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
