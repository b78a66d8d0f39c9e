/** A complete vendor answer thrown from a route or hook; the simulator sends it as is. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`simulated ${status}`);
    this.name = 'SimError';
  }
}

/** Builds the vendor's error body for a status, message and code. */
export type ErrorBodyFn = (status: number, message: string, code: string) => unknown;

/** A neutral error shape for simulators that do not give their vendor's. */
export const defaultErrorBody: ErrorBodyFn = (status, message, code) => ({ status, code, message });

/** Type guard that works across package copies, where instanceof would not. */
export function isSimError(e: unknown): e is SimError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'SimError' && 'status' in e && 'body' in e;
}
