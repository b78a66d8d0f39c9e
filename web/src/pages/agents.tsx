import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { LoadError, useLoad } from '../hooks';
import { go, href } from '../route';
import { when } from '../format';
import type { AgentSummary } from '../types';

const AGENT_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/** The tenant's agents, and a way to open an agent id that has nothing yet. */
export function AgentsPage() {
  const agents = useLoad((api) => api<{ agents: AgentSummary[] }>('GET', '/api/agents'), 'agents');
  const missing = agents.error instanceof ApiError && agents.error.status === 404;
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <OpenAgent />
      {!missing && <LoadError error={agents.error} retry={agents.reload} what="agents" />}
      {missing && <p className="hint">This hub does not list agents yet; open one by its id above.</p>}
      {agents.data && agents.data.agents.length === 0 && (
        <p>No agent has integrations or calls yet. Open an agent id above to connect its first CRM.</p>
      )}
      {agents.data && agents.data.agents.length > 0 && (
        <ul className="cards" aria-label="Agents">
          {agents.data.agents.map((a) => (
            <li key={a.agent_id} className="card">
              <h2>
                <a href={href(['agents', a.agent_id])}>{a.agent_id}</a>
              </h2>
              <p>
                {count(a.integrations)} · last call {when(a.last_call_at)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The API answers integrations as a number or as a list, depending on version. */
function count(v: unknown): string {
  const n = Array.isArray(v) ? v.length : typeof v === 'number' ? v : 0;
  return `${n} integration${n === 1 ? '' : 's'}`;
}

function OpenAgent() {
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = id.trim();
    if (!AGENT_ID.test(v)) return setError('Letters, digits and _ . : - only (up to 200).');
    go(href(['agents', v]));
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="open-agent">Agent id</label>
        <input
          id="open-agent"
          value={id}
          onChange={(e) => (setId(e.target.value), setError(null))}
          placeholder="agent_xyz789"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'open-agent-error' : undefined}
        />
        {error && (
          <p id="open-agent-error" className="field-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit">Open agent</button>
    </form>
  );
}
