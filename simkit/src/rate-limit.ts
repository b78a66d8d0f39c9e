/** One rate-limit rule: at most `limit` requests per `windowMs` for each key. */
export interface RateLimitRule {
  /** Name reported in usage (e.g. "burst", "daily"). */
  name?: string;
  limit: number;
  windowMs: number;
  /** fixed: counters reset at window boundaries; sliding: counts the last windowMs. Default fixed. */
  mode?: 'fixed' | 'sliding';
}

/** The state of one rule for one key after counting a request. */
export interface RateUsage {
  name: string;
  limit: number;
  windowMs: number;
  /** Requests left in the current window (never below 0). */
  remaining: number;
  /** Milliseconds until a request would be allowed again (or the window resets). */
  resetMs: number;
  /** True when this request went over the limit. */
  exceeded: boolean;
}

/** Counts requests per key against one or more rules. */
export class RateLimiter {
  // Fixed windows keep one counter; sliding windows keep timestamps (small limits in tests).
  private readonly fixed = new Map<string, { start: number; count: number }>();
  private readonly sliding = new Map<string, number[]>();

  constructor(
    readonly rules: RateLimitRule[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key` against every rule and reports each rule's usage. */
  hit(key: string): RateUsage[] {
    // A request over any limit is rejected and must not eat into the other rules' quota.
    const usages = this.rules.map((r, i) => this.peek(r, `${i}:${key}`));
    const rejected = usages.some((u) => u.remaining <= 0);
    return this.rules.map((r, i) => {
      if (rejected) return { ...usages[i], exceeded: usages[i].remaining <= 0 };
      this.count(r, `${i}:${key}`);
      return { ...usages[i], remaining: usages[i].remaining - 1, exceeded: false };
    });
  }

  /** Forgets every counter. */
  reset(): void {
    this.fixed.clear();
    this.sliding.clear();
  }

  private peek(r: RateLimitRule, k: string): RateUsage {
    const t = this.now();
    const base = { name: r.name ?? `${r.limit}/${r.windowMs}ms`, limit: r.limit, windowMs: r.windowMs, exceeded: false };
    if (r.mode === 'sliding') {
      const hits = (this.sliding.get(k) ?? []).filter((h) => h > t - r.windowMs);
      this.sliding.set(k, hits);
      const resetMs = hits.length >= r.limit ? hits[hits.length - r.limit] + r.windowMs - t : 0;
      return { ...base, remaining: Math.max(0, r.limit - hits.length), resetMs };
    }
    let w = this.fixed.get(k);
    if (w === undefined || t - w.start >= r.windowMs) {
      w = { start: t, count: 0 };
      this.fixed.set(k, w);
    }
    return { ...base, remaining: Math.max(0, r.limit - w.count), resetMs: w.start + r.windowMs - t };
  }

  private count(r: RateLimitRule, k: string): void {
    if (r.mode === 'sliding') this.sliding.get(k)?.push(this.now());
    else {
      const w = this.fixed.get(k);
      if (w) w.count += 1;
    }
  }
}
