/** A fault to inject: which requests it matches and what happens to them instead. */
export interface Fault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Exact request path (no query) or a regular expression tested against it. */
  path: string | RegExp;
  /** How many matching requests it applies to (default 1; Infinity for every one). */
  times?: number;
  /** Answer with this status instead of the real handler. */
  status?: number;
  /** Body of that answer (JSON unless a string). */
  body?: unknown;
  /** Headers of that answer, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** Wait this long first; without `status` or `drop` the real handler then answers (a slow answer). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /**
   * Let the real handler run (its writes stay), then destroy the socket before the answer is sent:
   * the client cannot tell whether the request took effect (a lost answer).
   */
  dropAfter?: boolean;
}

/** A fault as sent to `POST /__sim/faults`: `pathRegex` carries a RegExp, `times: -1` means forever. */
export interface FaultJson extends Omit<Fault, 'path'> {
  path?: string;
  pathRegex?: string;
}

/** An injected fault with its remaining uses. */
export interface ActiveFault extends Fault {
  remaining: number;
}

/** Turns the JSON form of a fault into a Fault; throws on a fault that matches nothing. */
export function faultFromJson(j: FaultJson): Fault {
  const { pathRegex, path, ...rest } = j;
  // JSON cannot carry Infinity: a negative `times` means every matching request.
  const times = rest.times !== undefined && rest.times < 0 ? Infinity : rest.times;
  if (pathRegex !== undefined) return { ...rest, times, path: new RegExp(pathRegex) };
  if (path === undefined) throw new Error('fault needs path or pathRegex');
  return { ...rest, times, path };
}

/** The injected faults of one simulator, consumed in the order they were added. */
export class FaultList {
  private faults: ActiveFault[] = [];

  /** Adds a fault. */
  add(f: Fault): void {
    this.faults.push({ ...f, remaining: f.times ?? 1 });
  }

  /** Takes one use of the first fault matching this request, or undefined. */
  take(method: string, path: string): Fault | undefined {
    const f = this.faults.find((x) => matches(x, method, path));
    if (f === undefined) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  /** Faults not yet used up. */
  list(): ActiveFault[] {
    return [...this.faults];
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }
}

function matches(f: Fault, method: string, path: string): boolean {
  if (f.method !== undefined && f.method.toUpperCase() !== method.toUpperCase()) return false;
  return typeof f.path === 'string' ? f.path === path : f.path.test(path);
}
