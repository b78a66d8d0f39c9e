import { useState } from 'react';
import { ApiError, seg } from '../api';
import { useApi } from '../hooks';
import { href } from '../route';
import { errorText, rate, when } from '../format';
import { Status } from './ui';
import type { Connector, HealthState, Integration } from '../types';

const LABELS: Record<HealthState, string> = {
  healthy: 'Connected',
  failing: 'Failing',
  needs_reauth: 'Needs re-authorisation',
  disabled: 'Disabled',
  pending: 'Waiting for authorisation',
};

/** The health at a glance: the hub's `health` when it reports one, else what the status says. */
export function healthOf(i: Integration): { state: HealthState; label: string } {
  const state: HealthState =
    i.health?.state ??
    (i.status === 'needs_reauth'
      ? 'needs_reauth'
      : i.status === 'disabled'
        ? 'disabled'
        : i.status === 'pending_authorization'
          ? 'pending'
          : i.status === 'connected'
            ? 'healthy'
            : 'failing');
  return { state, label: LABELS[state] };
}

function syncsLine(i: Integration): string {
  if (i.stats_24h) return `${i.stats_24h.total} syncs in 24 h · ${rate(i.stats_24h.succeeded, i.stats_24h.total)} succeeded`;
  if (i.total_syncs !== undefined) return `${i.total_syncs} syncs in all · ${rate(i.successful_syncs ?? 0, i.total_syncs)} succeeded`;
  return '';
}

/** One integration: health, figures and every action on it. */
export function IntegrationCard({
  agentId,
  integration: i,
  connector,
  onChanged,
  onEdit,
  onDisconnect,
}: {
  agentId: string;
  integration: Integration;
  connector?: Connector;
  onChanged: () => void;
  onEdit: () => void;
  onDisconnect: () => void;
}) {
  const api = useApi();
  const [result, setResult] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const [busy, setBusy] = useState(false);
  const { state, label } = healthOf(i);
  const title = i.name || connector?.name || i.type;
  const base = `/api/agents/${seg(agentId)}/integrations/${seg(i.id)}`;
  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setResult(null);
    try {
      setResult({ text: await fn(), tone: 'ok' });
    } catch (err) {
      setResult({ text: err instanceof ApiError ? err.body.message : (err as Error).message, tone: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const test = () =>
    run(async () => {
      const r = await api<{ ok?: boolean; message?: string; error?: unknown }>('POST', `${base}/test`);
      if (r.ok === false) throw new Error(`Test failed: ${errorText(r.error) || r.message || 'no reason given'}`);
      return 'Test passed: the CRM accepted the credentials';
    });
  const toggle = () =>
    run(async () => {
      await api('PUT', base, { status: i.status === 'disabled' ? 'connected' : 'disabled' });
      onChanged();
      return i.status === 'disabled' ? 'Enabled' : 'Disabled';
    });
  const retryDead = () =>
    run(async () => {
      const r = await api<{ retried: number }>('POST', `${base}/retry-dead`);
      onChanged();
      return `${r.retried} dead-lettered job${r.retried === 1 ? '' : 's'} put back in the queue`;
    });
  // The hub reports last_error as an object ({code, message, step}); older answers give a string.
  const lastError = errorText(i.health?.last_error ?? (state !== 'healthy' ? i.status_reason : undefined));
  return (
    <li className={`card health-${state}`} aria-labelledby={`card-${i.id}`}>
      <div className="card-head">
        <h2 id={`card-${i.id}`}>{title}</h2>
        <span className={`badge badge-${state}`}>{label}</span>
      </div>
      <p className="muted">
        {i.type} · {i.id}
      </p>
      {lastError && <p className="card-error">Last error: {lastError}</p>}
      {i.authorize_error && <p className="card-error">{i.authorize_error}</p>}
      <dl className="facts">
        <dt>Last success</dt>
        <dd>{when(i.health?.last_success_at)}</dd>
        {i.health?.last_failure_at && (
          <>
            <dt>Last failure</dt>
            <dd>{when(i.health.last_failure_at)}</dd>
          </>
        )}
        {i.health?.quota_remaining != null && (
          <>
            <dt>CRM quota left</dt>
            <dd>{i.health.quota_remaining}</dd>
          </>
        )}
      </dl>
      {syncsLine(i) && <p>{syncsLine(i)}</p>}
      <div className="actions">
        {(state === 'needs_reauth' || state === 'pending') && i.authorize_url && (
          <a className="button primary" href={i.authorize_url} aria-label={`${state === 'pending' ? 'Authorise' : 'Reconnect'} ${title}`}>
            {state === 'pending' ? 'Authorise' : 'Reconnect'}
          </a>
        )}
        <button type="button" onClick={test} disabled={busy || state === 'pending'} aria-label={`Test ${title}`}>
          Test
        </button>
        <button type="button" onClick={onEdit} aria-label={`Edit settings of ${title}`}>
          Edit settings
        </button>
        <a className="button" href={href(['agents', agentId, 'integrations', i.id, 'mapping'])} aria-label={`Mapping of ${title}`}>
          Mapping
        </a>
        <a
          className="button"
          href={href(['agents', agentId, 'integrations', i.id, 'conditions'])}
          aria-label={`Sync conditions of ${title}`}
        >
          Sync conditions
        </a>
        {(i.status === 'connected' || i.status === 'disabled') && (
          <button type="button" onClick={toggle} disabled={busy} aria-label={`${i.status === 'disabled' ? 'Enable' : 'Disable'} ${title}`}>
            {i.status === 'disabled' ? 'Enable' : 'Disable'}
          </button>
        )}
        <button type="button" onClick={retryDead} disabled={busy} aria-label={`Retry dead letters of ${title}`}>
          Retry dead letters
        </button>
        <button type="button" className="danger" onClick={onDisconnect} aria-label={`Disconnect ${title}`}>
          Disconnect
        </button>
      </div>
      <Status tone={result?.tone}>{result?.text}</Status>
    </li>
  );
}
