import { useEffect, useMemo, useState } from 'react';
import { fieldErrors, seg } from '../api';
import { LoadError, useApi, useDebounced, useLoad } from '../hooks';
import { href } from '../route';
import { when as at } from '../format';
import { CodeEditor } from '../components/code-editor';
import { Field, Status } from '../components/ui';
import { checkExpression } from '../jsonata-check';
import type { Integration, SyncConditions } from '../types';

interface PreviewRow {
  call_id: string;
  started_at: string | null;
  received_at?: string;
  would_sync: boolean;
  reason: string;
}

/** Sync conditions (outcomes, minimum duration, JSONata `when`) with which recent calls they let through. */
export default function ConditionsPage({ agentId, integrationId }: { agentId: string; integrationId: string }) {
  const base = `/api/agents/${seg(agentId)}/integrations/${seg(integrationId)}`;
  const loaded = useLoad((api) => api<Integration>('GET', base), base);
  if (!loaded.data) return <LoadError error={loaded.error} retry={loaded.reload} what="the sync conditions" />;
  return <ConditionsForm key={loaded.data.id} agentId={agentId} base={base} integration={loaded.data} />;
}

/** The conditions the form describes; empty parts are left out, and nothing at all means "every call". */
export function toConditions(outcomes: string, minDuration: string, whenExpr: string): SyncConditions | null {
  const c: SyncConditions = {};
  const list = outcomes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length) c.call_outcome = list;
  if (minDuration.trim() !== '') c.min_duration_seconds = Number(minDuration);
  if (whenExpr.trim()) c.when = whenExpr.trim();
  return Object.keys(c).length ? c : null;
}

function ConditionsForm({ agentId, base, integration }: { agentId: string; base: string; integration: Integration }) {
  const api = useApi();
  const sc = integration.sync_conditions ?? {};
  const [outcomes, setOutcomes] = useState((sc.call_outcome ?? []).join(', '));
  const [minDuration, setMinDuration] = useState(sc.min_duration_seconds === undefined ? '' : String(sc.min_duration_seconds));
  const [whenExpr, setWhen] = useState(sc.when ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<PreviewRow[] | null>(null);
  const [saved, setSaved] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const problem = useMemo(() => checkExpression(whenExpr), [whenExpr]);
  const conditions = toConditions(outcomes, minDuration, whenExpr);
  const debounced = useDebounced(JSON.stringify(conditions), 400);

  useEffect(() => {
    if (problem) return;
    let live = true;
    api<{ calls: PreviewRow[] }>('POST', `${base}/conditions/preview`, {
      sync_conditions: JSON.parse(debounced) as SyncConditions | null,
    }).then(
      (r) => {
        if (!live) return;
        setRows(r.calls);
        setErrors({});
      },
      (err: unknown) => live && setErrors(fieldErrors(err)),
    );
    return () => {
      live = false;
    };
  }, [debounced, problem, api, base]);

  const err = (k: string) => errors[k] ?? errors[`sync_conditions.${k}`];
  const save = async () => {
    setSaved(null);
    try {
      await api('PUT', base, { sync_conditions: conditions });
      setSaved({ text: conditions ? 'Sync conditions saved.' : 'Saved: every call syncs.', tone: 'ok' });
    } catch (e) {
      setErrors(fieldErrors(e));
      setSaved({ text: 'Not saved; see the errors above.', tone: 'error' });
    }
  };
  const synced = rows?.filter((r) => r.would_sync).length ?? 0;
  return (
    <div className="stack">
      <p className="crumbs">
        <a href={href(['agents', agentId])}>Integrations</a> /
      </p>
      <h2>Sync conditions of {integration.name || integration.type}</h2>
      <p className="hint">A call syncs only when it meets every condition given. Leave them all empty to sync every call.</p>
      <Field label="Call outcomes" hint="Comma-separated, e.g. appointment_booked, qualified_lead" error={err('call_outcome')}>
        {(p) => <input {...p} value={outcomes} onChange={(e) => setOutcomes(e.target.value)} />}
      </Field>
      <Field label="Minimum duration (seconds)" error={err('min_duration_seconds')}>
        {(p) => <input {...p} inputMode="numeric" value={minDuration} onChange={(e) => setMinDuration(e.target.value)} />}
      </Field>
      <div className="field">
        <span className="label" id="when-label">
          When (JSONata over {'{call}'})
        </span>
        <CodeEditor
          label="When (JSONata over call)"
          value={whenExpr}
          onChange={setWhen}
          error={problem}
          describedBy={problem || err('when') ? 'when-error' : undefined}
        />
        {(problem || err('when')) && (
          <p id="when-error" className="field-error">
            {problem ? `Line ${problem.line}, column ${problem.column}: ${problem.message}` : err('when')}
          </p>
        )}
      </div>
      {errors[''] && <p className="field-error">{errors['']}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={save} disabled={Boolean(problem)}>
          Save sync conditions
        </button>
      </div>
      <Status tone={saved?.tone}>{saved?.text}</Status>
      <section aria-labelledby="cond-preview" aria-live="polite">
        <h3 id="cond-preview">Recent calls under these conditions</h3>
        {rows && (
          <p>{rows.length === 0 ? 'This agent has no calls yet.' : `${synced} of the last ${rows.length} calls would have synced.`}</p>
        )}
        {rows && rows.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Call</th>
                  <th scope="col">Started</th>
                  <th scope="col">Would sync</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.call_id}>
                    <td>
                      <a href={href(['agents', agentId, 'calls', r.call_id])}>{r.call_id}</a>
                    </td>
                    <td>{at(r.started_at ?? r.received_at)}</td>
                    <td>{r.would_sync ? 'Yes' : 'No'}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
