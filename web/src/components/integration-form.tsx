import { useMemo, useState, type FormEvent } from 'react';
import { fieldErrors, seg } from '../api';
import { useApi } from '../hooks';
import { formFields, fromConfig, toConfig, type FormField } from '../schema-form';
import { Field } from './ui';
import type { Connector, Integration } from '../types';

/**
 * Connect (no `existing`) or edit an integration, with controls generated from the connector's
 * credentials and config schema. Every `field` the hub names in an error is shown on its control.
 */
export function IntegrationForm({
  agentId,
  connector,
  existing,
  onDone,
}: {
  agentId: string;
  connector: Connector;
  existing?: Integration;
  onDone: (i: Integration) => void;
}) {
  const api = useApi();
  const fields = useMemo(() => formFields(connector.config_schema), [connector]);
  const [name, setName] = useState(existing?.name ?? '');
  const [creds, setCreds] = useState<Record<string, string>>({});
  const [values, setValues] = useState<Record<string, string>>(() => fromConfig(fields, existing?.config ?? {}));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const oauth = connector.auth_type === 'oauth2';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const given = Object.fromEntries(Object.entries(creds).filter(([, v]) => v.trim() !== ''));
    const config = toConfig(fields, values, existing?.config ?? {});
    try {
      const result = existing
        ? await api<Integration>('PUT', `/api/agents/${seg(agentId)}/integrations/${seg(existing.id)}`, {
            ...(name.trim() ? { name: name.trim() } : {}),
            config,
            ...(Object.keys(given).length ? { auth_data: given } : {}),
          })
        : await api<Integration>('POST', `/api/agents/${seg(agentId)}/integrations/connect`, {
            type: connector.id,
            ...(name.trim() ? { name: name.trim() } : {}),
            ...given,
            config,
          });
      if (!existing && result.status === 'pending_authorization') {
        if (result.authorize_url) {
          window.location.assign(result.authorize_url);
          return;
        }
        setErrors({ '': result.authorize_error ?? 'The hub has no OAuth app for this CRM; ask its operator to configure one.' });
        setBusy(false);
        return;
      }
      onDone(result);
    } catch (err) {
      setErrors(fieldErrors(err));
      setBusy(false);
    }
  };

  const known = new Set(['name', ...connector.credentials.map((c) => c.name), ...fields.map((f) => `config.${f.name}`)]);
  const general = Object.entries(errors).filter(([k]) => !known.has(k));
  return (
    <form onSubmit={submit} noValidate className="stack">
      {general.length > 0 && (
        <div className="banner banner-error" role="alert">
          {general.map(([k, m]) => (
            <p key={k}>{k ? `${k}: ${m}` : m}</p>
          ))}
        </div>
      )}
      <Field label="Name (optional)" error={errors.name} hint="Shown on the card; defaults to the CRM's name.">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      {connector.credentials.map((c) => (
        <Field
          key={c.name}
          label={c.label ?? c.name}
          required={c.required && !existing}
          error={errors[c.name]}
          hint={existing?.credentials_set ? 'Leave blank to keep the stored value.' : c.description}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="off"
              value={creds[c.name] ?? ''}
              onChange={(e) => setCreds({ ...creds, [c.name]: e.target.value })}
            />
          )}
        </Field>
      ))}
      {fields.map((f) => (
        <ConfigControl
          key={f.name}
          field={f}
          value={values[f.name] ?? ''}
          error={errors[`config.${f.name}`]}
          onChange={(v) => setValues({ ...values, [f.name]: v })}
        />
      ))}
      {oauth && !existing && <p className="hint">Next, {connector.name} asks you to allow access, then brings you back here.</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save' : oauth ? `Continue to ${connector.name}` : `Connect ${connector.name}`}
        </button>
      </div>
    </form>
  );
}

function ConfigControl({
  field: f,
  value,
  error,
  onChange,
}: {
  field: FormField;
  value: string;
  error?: string;
  onChange: (v: string) => void;
}) {
  const hint = [
    f.description && !/[.!?]$/.test(f.description) ? `${f.description}.` : f.description,
    f.kind === 'list' ? 'Separate values with commas.' : '',
    f.default !== undefined ? `Default: ${String(f.default)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <Field label={f.label} required={f.required} error={error} hint={hint || undefined}>
      {(p) =>
        f.kind === 'boolean' ? (
          <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Default</option>
            <option value="true">Yes</option>
            <option value="false">No</option>
          </select>
        ) : f.kind === 'select' ? (
          <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{f.required ? 'Choose…' : 'Default'}</option>
            {f.options!.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...p}
            inputMode={f.kind === 'integer' || f.kind === 'number' ? 'numeric' : undefined}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </Field>
  );
}
