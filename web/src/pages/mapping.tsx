import { useEffect, useMemo, useState } from 'react';
import { ApiError, fieldErrors, seg } from '../api';
import { LoadError, useApi, useDebounced, useLoad } from '../hooks';
import { href } from '../route';
import { CodeEditor } from '../components/code-editor';
import { FieldMappingsTable, rowsOf, toFieldMappings, type Row } from '../components/field-mappings';
import { Status } from '../components/ui';
import { DryRun } from '../components/dry-run';
import { checkExpression } from '../jsonata-check';
import type { Connector, Integration, MappingPreview } from '../types';

/** The mapping editor: JSONata overrides beside the defaults, simple field mappings, a live dry run, save. */
export default function MappingPage({ agentId, integrationId }: { agentId: string; integrationId: string }) {
  const base = `/api/agents/${seg(agentId)}/integrations/${seg(integrationId)}`;
  const loaded = useLoad(async (api) => {
    const [integration, { connectors }] = await Promise.all([
      api<Integration>('GET', base),
      api<{ connectors: Connector[] }>('GET', '/api/connectors'),
    ]);
    const fields = await api<{ fields: Array<Record<string, unknown>> }>('GET', `${base}/fields`).catch(() => ({ fields: [] }));
    return { integration, connector: connectors.find((c) => c.id === integration.type), fields: fields.fields };
  }, base);
  if (!loaded.data) return <LoadError error={loaded.error} retry={loaded.reload} what="the mapping" />;
  const { integration, connector, fields } = loaded.data;
  if (!connector) return <p role="alert">The connector {integration.type} is no longer installed on this hub.</p>;
  return <Editor key={integration.id} agentId={agentId} base={base} integration={integration} connector={connector} crmFields={fields} />;
}

function Editor({
  agentId,
  base,
  integration,
  connector,
  crmFields,
}: {
  agentId: string;
  base: string;
  integration: Integration;
  connector: Connector;
  crmFields: Array<Record<string, unknown>>;
}) {
  const api = useApi();
  const defaults = connector.default_mappings ?? {};
  const [overrides, setOverrides] = useState<Record<string, string>>(integration.mappings ?? {});
  const [rows, setRows] = useState<Row[]>(() => rowsOf(integration.field_mappings ?? {}));
  const [callText, setCallText] = useState('');
  const [preview, setPreview] = useState<{ data?: MappingPreview & { call?: unknown }; error?: string; fields?: Record<string, string> }>(
    {},
  );
  const [saved, setSaved] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  const title = integration.name || connector.name;

  const problems = useMemo(() => Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, checkExpression(v)])), [overrides]);
  const request = useMemo(() => {
    let call: unknown;
    try {
      call = callText.trim() ? JSON.parse(callText) : undefined;
    } catch {
      return { invalidCall: true as const };
    }
    // Reverting to a default must show the default, not the stored override: send it explicitly.
    const mappings = Object.fromEntries(
      connector.mappings.map((n) => [n, overrides[n] ?? defaults[n]]).filter(([n, v]) => v && !problems[n as string]),
    );
    return { body: { mappings, field_mappings: toFieldMappings(rows), check_fields: true, ...(call ? { call } : {}) } };
  }, [overrides, rows, callText, problems, connector.mappings, defaults]);
  const debounced = useDebounced(JSON.stringify(request), 400);

  useEffect(() => {
    const r = JSON.parse(debounced) as typeof request;
    if ('invalidCall' in r) return setPreview({ error: 'The call is not valid JSON.' });
    let live = true;
    api<MappingPreview & { call?: unknown }>('POST', `${base}/mappings/preview`, r.body).then(
      (data) => live && setPreview({ data }),
      (err: unknown) =>
        live && setPreview({ error: err instanceof ApiError ? err.body.message : (err as Error).message, fields: fieldErrors(err) }),
    );
    return () => {
      live = false;
    };
  }, [debounced, api, base]);

  const save = async () => {
    setSaved(null);
    const broken = Object.entries(problems).find(([, p]) => p);
    if (broken) return setSaved({ text: `Fix the ${broken[0]} mapping first: ${broken[1]!.message}`, tone: 'error' });
    try {
      await api('PUT', base, { mappings: overrides, field_mappings: toFieldMappings(rows) });
      setSaved({ text: 'Mapping saved. New calls use it from now on.', tone: 'ok' });
    } catch (err) {
      setSaved({
        text: Object.entries(fieldErrors(err))
          .map(([k, m]) => (k ? `${k}: ${m}` : m))
          .join('; '),
        tone: 'error',
      });
    }
  };

  return (
    <div className="stack">
      <p className="crumbs">
        <a href={href(['agents', agentId])}>Integrations</a> /
      </p>
      <h2>Mapping of {title}</h2>
      <p className="hint">
        Each step sends what its JSONata expression makes of the call. Override a default to change it; the dry run on the right updates as
        you type and sends nothing.
      </p>
      <div className="split">
        <div className="stack">
          <FieldMappingsTable rows={rows} onChange={setRows} crmFields={crmFields} unknown={preview.data?.unknown_fields ?? []} />
          {connector.mappings.map((name) => (
            <MappingStep
              key={name}
              name={name}
              fallback={defaults[name]}
              value={overrides[name]}
              problem={problems[name]}
              serverError={preview.data?.errors?.[name] ?? preview.fields?.[`mappings.${name}`]}
              onChange={(v) => setOverrides(v === undefined ? omit(overrides, name) : { ...overrides, [name]: v })}
            />
          ))}
          <div className="actions">
            <button type="button" className="primary" onClick={save}>
              Save mapping
            </button>
          </div>
          <Status tone={saved?.tone}>{saved?.text}</Status>
        </div>
        <DryRun agentId={agentId} preview={preview} callText={callText} onCallText={setCallText} />
      </div>
    </div>
  );
}

function omit(o: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
}

function MappingStep({
  name,
  fallback,
  value,
  problem,
  serverError,
  onChange,
}: {
  name: string;
  fallback?: string;
  value?: string;
  problem: ReturnType<typeof checkExpression>;
  serverError?: string;
  onChange: (v: string | undefined) => void;
}) {
  const errorId = `mapping-${name}-error`;
  return (
    <section className="card" aria-labelledby={`mapping-${name}`}>
      <div className="card-head">
        <h3 id={`mapping-${name}`}>{name}</h3>
        <span className="badge">{value === undefined ? 'default' : 'override'}</span>
      </div>
      <p className="hint">Default</p>
      {fallback ? (
        <CodeEditor label={`Default ${name} mapping`} value={fallback} readOnly />
      ) : (
        <p className="hint">This hub does not publish the default.</p>
      )}
      {value === undefined ? (
        <button type="button" onClick={() => onChange(fallback ?? '')} aria-label={`Override the ${name} mapping`}>
          Override
        </button>
      ) : (
        <>
          <p className="hint">Your override</p>
          <CodeEditor
            label={`${name} mapping override`}
            value={value}
            onChange={onChange}
            error={problem}
            describedBy={problem || serverError ? errorId : undefined}
          />
          {(problem || serverError) && (
            <p id={errorId} className="field-error" role="alert">
              {problem ? `Line ${problem.line}, column ${problem.column}: ${problem.message}` : serverError}
            </p>
          )}
          <button type="button" onClick={() => onChange(undefined)} aria-label={`Use the default ${name} mapping`}>
            Use the default
          </button>
        </>
      )}
    </section>
  );
}
