// The dry run's answer, as types only (no imports): the console shares them (`@hub/core/preview`).

/** One request a dry run would have sent, with every secret replaced. */
export interface PreviewRequest {
  method: string;
  /** the full URL with its query; a tenant's own URL (a catch hook) shows only scheme and host */
  url: string;
  headers: Record<string, string>;
  /** the JSON (or form) body, absent for a request without one */
  body?: unknown;
  /** what the recorder answered, so later requests make sense: a lookup finds nothing, a write makes a placeholder id */
  answered: 'not found' | { id: string };
}

/**
 * What one step of a dry run came to. A flat record on purpose: other per-step facts (how each
 * contact field would be written, say) join it as optional keys without changing the others.
 */
export interface StepPreview {
  /** `would_send`: the step runs and sends `requests`; `skipped`: it would not run; `failed`: it would fail */
  status: 'would_send' | 'skipped' | 'failed';
  /** why the step would not run */
  skipped?: string;
  /** why the step would fail (its mapping's error, a hook's refusal), secrets removed */
  error?: string;
  /** what the step's mapping made of the call (null when the step has no mapping) */
  input?: unknown;
  /** the exact requests the step would send, in order */
  requests: PreviewRequest[];
  /** what later steps see from this one (placeholder ids from the recorder's answers) */
  output?: unknown;
  /** CRM field names this step writes that the CRM does not have */
  unknown_fields?: string[];
  /** the contact step: each field's write mode onto a contact the CRM already has */
  modes?: Record<string, string>;
}
