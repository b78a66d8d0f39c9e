import { useState, type FormEvent } from 'react';
import { ApiError, seg } from '../api';
import { LoadError, useApi, useLoad } from '../hooks';
import { errorText, when } from '../format';
import { Field } from './ui';
import type { OutboundCall } from '../types';

const STATES = ['queued', 'dialing', 'in_progress', 'ended', 'analyzed', 'synced', 'failed'];

/** The agent's outbound calls with their states, newest first, filtered by state; one can be looked up by id. */
export function OutboundCalls({ agentId }: { agentId: string }) {
  const api = useApi();
  const [state, setState] = useState('');
  const list = useLoad(
    (a) => a<{ calls: OutboundCall[] }>('GET', `/api/agents/${seg(agentId)}/outbound/calls${state ? `?state=${state}` : ''}`),
    `${agentId}/obc/${state}`,
  );
  const [id, setId] = useState('');
  const [found, setFound] = useState<OutboundCall | null>(null);
  const [error, setError] = useState<string | null>(null);
  const look = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setFound(await api<OutboundCall>('GET', `/api/agents/${seg(agentId)}/outbound/calls/${seg(id.trim())}`));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? `No outbound call ${id.trim()} on this agent.` : (err as Error).message);
    }
  };
  const calls = [...(found ? [found] : []), ...(list.data?.calls ?? []).filter((c) => c.id !== found?.id)];
  return (
    <section className="card" aria-labelledby="obc-title">
      <h2 id="obc-title">Outbound calls</h2>
      <p className="hint">Calls your CRM triggered, newest first: queued → dialing → in_progress → ended → analyzed → synced, or failed.</p>
      <div className="inline-form">
        <Field label="Show calls in state">
          {(p) => (
            <select {...p} value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">any state</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {list.error ? <LoadError error={list.error} retry={list.reload} what="the outbound calls" /> : null}
      <form className="inline-form" onSubmit={look} noValidate>
        <Field label="Outbound call id" error={error ?? undefined}>
          {(p) => <input {...p} value={id} onChange={(e) => setId(e.target.value)} placeholder="obc_…" />}
        </Field>
        <button type="submit" disabled={!id.trim()}>
          Look up
        </button>
      </form>
      {list.data && calls.length === 0 ? <p className="hint">No outbound calls{state ? ` in state ${state}` : ''} yet.</p> : null}
      <ul className="plain" aria-label="Outbound calls of this agent">
        {calls.map((c) => (
          <li key={c.id}>
            <h3>
              {c.id}{' '}
              <span className={`badge badge-${c.state === 'failed' ? 'failed' : c.state === 'synced' ? 'succeeded' : 'running'}`}>
                {c.state}
              </span>
            </h3>
            <p>
              {[c.contact_name, c.phone].filter(Boolean).join(' · ')}
              {c.provider_call_id ? ` · provider call ${c.provider_call_id}` : ''}
              {c.created_at ? ` · ${when(c.created_at)}` : ''}
            </p>
            {c.error ? <p className="card-error">{errorText(c.error)}</p> : null}
            {c.history && (
              <ol className="timeline" aria-label={`States of ${c.id}`}>
                {c.history.map((h, i) => (
                  <li key={i}>
                    {h.state} <span className="muted">{when(h.at)}</span>
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
