/** What the engine counts for operators; the server turns it into Prometheus metrics. */
export interface MetricsSink {
  /** a call stored for the first time; `bulk` when it came in a bulk import */
  callIngested(source: 'live' | 'bulk'): void;
  /** one attempt at one step of a sync job */
  stepFinished(connector: string, step: string, outcome: 'success' | 'failed' | 'skipped', seconds: number): void;
  /** one answer from a CRM (or `network` when none came) */
  crmAnswer(connector: string, statusClass: '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'network'): void;
  /** one OAuth token refresh */
  tokenRefresh(connector: string, outcome: 'ok' | 'failed'): void;
  /** a job moved to the dead letters after its last attempt */
  deadLettered(jobType: string): void;
}

const sinks = new Set<MetricsSink>();

/** Adds a sink (the server's Prometheus registry); returns its removal. Without one, nothing is counted. */
export function addMetricsSink(sink: MetricsSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

function each(fn: (s: MetricsSink) => void): void {
  // Counting must never break a sync.
  for (const s of sinks) {
    try {
      fn(s);
    } catch {
      /* a broken sink only loses a sample */
    }
  }
}

/** The engine's side: report to every sink. */
export const metrics: MetricsSink = {
  callIngested: (source) => each((s) => s.callIngested(source)),
  stepFinished: (connector, step, outcome, seconds) => each((s) => s.stepFinished(connector, step, outcome, seconds)),
  crmAnswer: (connector, statusClass) => each((s) => s.crmAnswer(connector, statusClass)),
  tokenRefresh: (connector, outcome) => each((s) => s.tokenRefresh(connector, outcome)),
  deadLettered: (jobType) => each((s) => s.deadLettered(jobType)),
};

/** `2xx`, `4xx`, … of an HTTP status. */
export function statusClass(status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
}
