import { useState } from 'react';
import { ApiError, seg } from '../api';
import { useApi } from '../hooks';
import { pretty } from '../format';
import type { CallStatus, MappingPreview, PreviewRequest, StepPreview } from '../types';

/** What the dry run shows: the hub's answer, or why there is none. */
interface PreviewState {
  data?: MappingPreview & { call?: unknown };
  error?: string;
}

/**
 * The live dry run beside the mapping editor: per step, the exact requests the hub would send the
 * CRM (as the hub's recorder saw them; credentials are already [redacted]), over a sample call, the
 * agent's latest call, or a call the tenant pastes.
 */
export function DryRun({
  agentId,
  preview,
  callText,
  onCallText,
}: {
  agentId: string;
  preview: PreviewState;
  callText: string;
  onCallText: (v: string) => void;
}) {
  const api = useApi();
  // `latest`: the call text is the latest call as loaded, so it is named even though the text is not empty.
  const [source, setSource] = useState<{ text: string; tone?: 'error'; latest?: boolean }>({ text: 'Over a sample call.' });
  const steps = Object.entries(preview.data?.steps ?? {});

  const pickLatest = async () => {
    try {
      const { calls } = await api<{ calls: Array<{ call_id: string }> }>('GET', `/api/agents/${seg(agentId)}/calls?limit=1`);
      if (!calls[0]) return setSource({ text: 'This agent has no call yet; the dry run stays over a sample call.', tone: 'error' });
      const call = await api<CallStatus & { data?: Record<string, unknown> }>(
        'GET',
        `/api/agents/${seg(agentId)}/calls/${seg(calls[0].call_id)}?include=data`,
      );
      onCallText(pretty(call.data));
      setSource({ text: `Over the agent's latest call, ${call.call_id}.`, latest: true });
    } catch (err) {
      setSource({
        text: `The latest call could not be read: ${err instanceof ApiError ? err.body.message : (err as Error).message}`,
        tone: 'error',
      });
    }
  };
  const pickSample = () => {
    onCallText('');
    setSource({ text: 'Over a sample call.' });
  };

  return (
    <section aria-labelledby="dry-run" className="stack dry-run">
      <h3 id="dry-run">Dry run</h3>
      <div className="actions">
        <button type="button" onClick={pickLatest}>
          Preview over the latest call
        </button>
        <button type="button" onClick={pickSample}>
          Preview over a sample call
        </button>
      </div>
      <p className={source.tone === 'error' ? 'field-error' : 'hint'} role="status">
        {callText.trim() && !source.latest ? 'Over the call below.' : source.text} Nothing is sent to the CRM.
      </p>
      <div aria-live="polite" className="stack" data-testid="dry-run">
        {preview.error && (
          <p className="field-error" role="alert">
            {preview.error}
          </p>
        )}
        {preview.data?.unknown_fields?.length ? (
          <p className="field-error">The CRM has no field named {preview.data.unknown_fields.join(', ')}.</p>
        ) : null}
        {preview.data?.fields_unchecked ? (
          <p className="hint">
            The CRM&apos;s field list could not be read, so field names are not checked: {preview.data.fields_unchecked}
          </p>
        ) : null}
        {steps.map(([step, s]) => (
          <StepResult key={step} step={step} s={s} />
        ))}
      </div>
      <details>
        <summary>The call used (edit to try another)</summary>
        <label htmlFor="preview-call">Call JSON (empty: the sample call)</label>
        <textarea
          id="preview-call"
          rows={10}
          value={callText}
          placeholder={pretty(preview.data?.call)}
          onChange={(e) => onCallText(e.target.value)}
        />
      </details>
    </section>
  );
}

function StepResult({ step, s }: { step: string; s: StepPreview }) {
  const label = s.status === 'would_send' ? `${s.requests.length} request${s.requests.length === 1 ? '' : 's'}` : s.status;
  return (
    <div className="stack">
      <h4>
        {step} <span className={`badge badge-${s.status === 'would_send' ? 'succeeded' : s.status}`}>{label}</span>
      </h4>
      {s.status === 'failed' && <p className="field-error">{s.error}</p>}
      {s.status === 'skipped' && <p className="hint">Skipped: {s.skipped}</p>}
      {s.unknown_fields?.length ? <p className="field-error">Unknown CRM fields in this step: {s.unknown_fields.join(', ')}</p> : null}
      {s.modes && Object.keys(s.modes).length ? (
        <p className="hint">
          Written onto an existing contact as:{' '}
          {Object.entries(s.modes)
            .map(([f, m]) => `${f} ${m}`)
            .join(', ')}
        </p>
      ) : null}
      {s.status !== 'skipped' && (
        <ol className="requests" aria-label={`What the ${step} step would send`}>
          {s.requests.map((r, i) => (
            <RequestView key={i} r={r} />
          ))}
          {s.status === 'would_send' && s.requests.length === 0 && <li className="hint">Sends no request.</li>}
        </ol>
      )}
    </div>
  );
}

function RequestView({ r }: { r: PreviewRequest }) {
  return (
    <li>
      <p>
        <code className="request-line">
          {r.method} {r.url}
        </code>{' '}
        <span className="hint">
          {r.answered === 'not found' ? '(a lookup: the dry run answers "not found")' : `(makes a record: placeholder id ${r.answered.id})`}
        </span>
      </p>
      <pre aria-label={`Headers of ${r.method} ${r.url}`}>
        {Object.entries(r.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')}
      </pre>
      {r.body !== undefined && <pre aria-label={`Body of ${r.method} ${r.url}`}>{pretty(r.body)}</pre>}
    </li>
  );
}
