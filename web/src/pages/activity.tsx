import { useState } from 'react';
import { ApiError, query, seg } from '../api';
import { LoadError, useApi, useInterval, useLoad } from '../hooks';
import { go, href } from '../route';
import { errorText, pretty, when } from '../format';
import { Field, Status } from '../components/ui';
import type { CallJob, CallRow, CallStatus, Integration, SyncLog } from '../types';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'];

/** `datetime-local` value → ISO timestamp for the API (empty stays empty). */
export function localToIso(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The agent's calls, newest first, with each integration's status; filters live in the URL. */
export function ActivityTab({ agentId, query: q }: { agentId: string; query: URLSearchParams }) {
  const filters = {
    status: q.get('status') ?? '',
    integration_id: q.get('integration_id') ?? '',
    since: q.get('since') ?? '',
    until: q.get('until') ?? '',
  };
  const [pages, setPages] = useState<string[]>([]);
  const integrations = useLoad((api) => api<{ integrations: Integration[] }>('GET', `/api/agents/${seg(agentId)}/integrations`), agentId);
  const key = `${agentId}?${q.toString()}`;
  const calls = useLoad(
    (api) =>
      api<{ calls: CallRow[]; next_before: string | null }>(
        'GET',
        `/api/agents/${seg(agentId)}/calls${query({ status: filters.status, integration_id: filters.integration_id, since: localToIso(filters.since), until: localToIso(filters.until), limit: 50 })}`,
      ),
    key,
  );
  useInterval(calls.reload, 5000);
  const setFilter = (name: string, value: string) => {
    setPages([]);
    go(href(['agents', agentId, 'activity'], { ...filters, [name]: value }));
  };
  return (
    <div className="stack">
      <h2>Activity</h2>
      <form className="inline-form" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          {(p) => (
            <select {...p} value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Integration">
          {(p) => (
            <select {...p} value={filters.integration_id} onChange={(e) => setFilter('integration_id', e.target.value)}>
              <option value="">Any</option>
              {(integrations.data?.integrations ?? []).map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name || i.type} ({i.id.slice(0, 12)}…)
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Received from">
          {(p) => <input {...p} type="datetime-local" value={filters.since} onChange={(e) => setFilter('since', e.target.value)} />}
        </Field>
        <Field label="Received until">
          {(p) => <input {...p} type="datetime-local" value={filters.until} onChange={(e) => setFilter('until', e.target.value)} />}
        </Field>
      </form>
      <LoadError error={calls.error} retry={calls.reload} what="calls" />
      {calls.data && calls.data.calls.length === 0 && <p>No calls match.</p>}
      {calls.data && calls.data.calls.length > 0 && <CallTable agentId={agentId} calls={calls.data.calls} />}
      {pages.map((before) => (
        <OlderPage
          key={before}
          agentId={agentId}
          filters={filters}
          before={before}
          onMore={(b) => setPages((p) => (p.includes(b) ? p : [...p, b]))}
        />
      ))}
      {calls.data?.next_before && pages.length === 0 && (
        <button type="button" onClick={() => setPages([calls.data!.next_before!])}>
          Older calls
        </button>
      )}
    </div>
  );
}

function OlderPage({
  agentId,
  filters,
  before,
  onMore,
}: {
  agentId: string;
  filters: Record<string, string>;
  before: string;
  onMore: (b: string) => void;
}) {
  const page = useLoad(
    (api) =>
      api<{ calls: CallRow[]; next_before: string | null }>(
        'GET',
        `/api/agents/${seg(agentId)}/calls${query({ ...filters, since: localToIso(filters.since), until: localToIso(filters.until), before, limit: 50 })}`,
      ),
    before,
  );
  if (!page.data) return <LoadError error={page.error} retry={page.reload} what="older calls" />;
  return (
    <>
      <CallTable agentId={agentId} calls={page.data.calls} />
      {page.data.next_before && (
        <button type="button" onClick={() => onMore(page.data!.next_before!)}>
          Older calls
        </button>
      )}
    </>
  );
}

function CallTable({ agentId, calls }: { agentId: string; calls: CallRow[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Calls">
        <thead>
          <tr>
            <th scope="col">Call</th>
            <th scope="col">Started</th>
            <th scope="col">Customer</th>
            <th scope="col">Outcome</th>
            <th scope="col">Syncs</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c) => (
            <tr key={c.call_id}>
              <td>
                <a href={href(['agents', agentId, 'calls', c.call_id])}>{c.call_id}</a>
              </td>
              <td>{when(c.started_at)}</td>
              <td>{[c.customer_name, c.customer_phone].filter(Boolean).join(' · ') || '–'}</td>
              <td>{c.call_outcome ?? '–'}</td>
              <td>
                {c.integrations.map((i) => (
                  <span key={i.integration_id} className={`badge badge-${i.status}`}>
                    {i.type}: {i.status}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One call: per integration, the step timeline with CRM ids and errors, the redacted requests, retry. */
export function CallPage({ agentId, callId }: { agentId: string; callId: string }) {
  const status = useLoad((api) => api<CallStatus>('GET', `/api/agents/${seg(agentId)}/calls/${seg(callId)}`), `${agentId}/${callId}`);
  const busy = status.data?.integrations.some((j) => j.status === 'queued' || j.status === 'running') ?? false;
  useInterval(status.reload, busy ? 1000 : 5000);
  const missing = status.error instanceof ApiError && status.error.status === 404;
  return (
    <div className="stack">
      <p className="crumbs">
        <a href={href(['agents', agentId, 'activity'])}>Activity</a> /
      </p>
      <h2>Call {callId}</h2>
      {missing ? (
        <p role="alert">The hub has no call {callId} for this agent.</p>
      ) : (
        <LoadError error={status.error} retry={status.reload} what="the call" />
      )}
      {status.data && <p className="muted">Received {when(status.data.received_at)}</p>}
      {status.data?.integrations.length === 0 && <p>No integration took this call (none connected, or its sync conditions skipped it).</p>}
      {status.data?.integrations.map((j) => (
        <JobView key={j.job_id} agentId={agentId} callId={callId} job={j} onRetried={status.reload} />
      ))}
    </div>
  );
}

function JobView({ agentId, callId, job, onRetried }: { agentId: string; callId: string; job: CallJob; onRetried: () => void }) {
  const api = useApi();
  const [result, setResult] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const logs = useLoad(
    async (a) =>
      (
        await a<{ logs: SyncLog[] }>(
          'GET',
          `/api/agents/${seg(agentId)}/sync-logs${query({ integration_id: job.integration_id, limit: 1000 })}`,
        )
      ).logs.filter((l) => l.callId === callId),
    `${job.job_id}/${job.status}/${job.attempts}/${job.steps.map((s) => s.status).join()}`,
  );
  const retry = async () => {
    try {
      await api('POST', `/api/agents/${seg(agentId)}/sync-jobs/${seg(job.job_id)}/retry`);
      setResult({ text: 'Put back in the queue.', tone: 'ok' });
      onRetried();
    } catch (err) {
      setResult({ text: (err as Error).message, tone: 'error' });
    }
  };
  return (
    <section
      className={`card health-${job.status === 'succeeded' ? 'healthy' : job.status === 'failed' ? 'failing' : 'pending'}`}
      aria-labelledby={`job-${job.job_id}`}
    >
      <div className="card-head">
        <h3 id={`job-${job.job_id}`}>{job.type}</h3>
        <span className={`badge badge-${job.status}`}>{job.status}</span>
      </div>
      <p className="muted">
        {job.attempts} attempt{job.attempts === 1 ? '' : 's'}
        {job.dead_lettered ? ' · dead-lettered' : ''}
        {job.next_attempt_at ? ` · next attempt ${when(job.next_attempt_at)}` : ''}
        {job.reason ? ` · ${job.reason}` : ''}
      </p>
      {job.last_error && <p className="card-error">Error: {errorText(job.last_error)}</p>}
      {job.status === 'failed' && (
        <button type="button" className="primary" onClick={retry} aria-label={`Retry the ${job.type} sync`}>
          Retry
        </button>
      )}
      <Status tone={result?.tone}>{result?.text}</Status>
      <ol className="timeline" aria-label={`${job.type} steps`}>
        {job.steps.map((s) => (
          <li key={s.name}>
            <strong>{s.name}</strong> <span className={`badge badge-${s.status}`}>{s.status}</span>{' '}
            {s.at && <span className="muted">{when(s.at)}</span>}
            {s.crm_ids !== undefined && <p className="muted">CRM ids: {compact(s.crm_ids)}</p>}
            {s.reason && <p className={s.status === 'failed' ? 'card-error' : 'muted'}>{s.reason}</p>}
          </li>
        ))}
      </ol>
      {logs.data && logs.data.length > 0 && (
        <details>
          <summary>Attempts and requests ({logs.data.length})</summary>
          {logs.data.map((l) => (
            <div key={l.id}>
              <h4>
                {l.step} · attempt {l.attempt} · {l.status} · {l.durationMs} ms
              </h4>
              {l.error && <p className="card-error">{errorText(l.error)}</p>}
              <pre aria-label={`Requests of ${l.step}, attempt ${l.attempt}`}>{pretty(l.requests)}</pre>
            </div>
          ))}
        </details>
      )}
    </section>
  );
}

function compact(v: unknown): string {
  if (v && typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
      .join(', ');
  return String(v);
}
