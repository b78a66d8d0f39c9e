import type { Fault } from '@hub/simkit';

/** A small seeded PRNG (mulberry32): the same seed gives the same fault plan, so a failure can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How often each fault happens, per API request. */
export interface FaultMix {
  rateLimited: number;
  serverError: number;
  unavailable: number;
  slow: number;
  dropped: number;
  /** no answer until after the hub's request timeout (the connector's timeoutMs, shortened by an override) */
  timeout?: number;
  /** the CRM writes, then the connection drops before its answer (a lost answer) */
  droppedAfter?: number;
}

/** Counts of what a plan holds, to report and to prove the run met every kind. */
export type PlanSummary = Record<keyof FaultMix | 'none', number>;

/** How long a `timeout` fault holds the request: longer than the 1 s timeout the chaos suites set. */
export const TIMEOUT_FAULT_MS = 1500;

/**
 * A sequence of one-shot faults for API paths (of one method, when given). The simulator takes the
 * first matching fault per request, so a plan of mostly pass-through entries (a fault with no status,
 * delay or drop lets the real handler answer) scatters the real faults among the requests in a
 * reproducible order. Every fault but `droppedAfter` happens before the simulator's handler runs;
 * `droppedAfter` lets the CRM write and then loses its answer.
 */
export function faultPlan(
  random: () => number,
  path: RegExp,
  length: number,
  mix: FaultMix,
  method?: string,
): { faults: Fault[]; summary: PlanSummary } {
  const summary: PlanSummary = {
    none: 0,
    rateLimited: 0,
    serverError: 0,
    unavailable: 0,
    slow: 0,
    dropped: 0,
    timeout: 0,
    droppedAfter: 0,
  };
  const faults: Fault[] = [];
  for (let i = 0; i < length; i++) {
    let r = random();
    const pick = (Object.keys(mix) as Array<keyof FaultMix>).find((k) => (r -= mix[k] ?? 0) < 0) ?? 'none';
    summary[pick]++;
    const base: Fault = { path, times: 1, ...(method ? { method } : {}) };
    if (pick === 'rateLimited') faults.push({ ...base, status: 429, headers: { 'retry-after': '1' } });
    else if (pick === 'serverError') faults.push({ ...base, status: 500 });
    else if (pick === 'unavailable') faults.push({ ...base, status: 503 });
    else if (pick === 'slow') faults.push({ ...base, delayMs: 50 + Math.floor(random() * 400) });
    else if (pick === 'dropped') faults.push({ ...base, drop: true });
    else if (pick === 'timeout') faults.push({ ...base, delayMs: TIMEOUT_FAULT_MS, drop: true });
    else if (pick === 'droppedAfter') faults.push({ ...base, dropAfter: true });
    else faults.push(base);
  }
  return { faults, summary };
}
