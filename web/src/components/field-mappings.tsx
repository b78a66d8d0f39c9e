import { useId } from 'react';

/** One line of the simple `{ourField: theirField}` form. */
export interface Row {
  key: number;
  ours: string;
  theirs: string;
}

/** Call fields a tenant maps most often (free custom fields of the call work too). */
const CALL_FIELDS = [
  'call_outcome',
  'call_summary',
  'call_sentiment',
  'customer_name',
  'customer_email',
  'customer_phone',
  'duration_seconds',
  'recording_url',
  'transcript',
  'started_at',
  'ended_at',
];

let nextKey = 1;

/** Rows for a stored field_mappings object. */
export function rowsOf(m: Record<string, string>): Row[] {
  return Object.entries(m).map(([ours, theirs]) => ({ key: nextKey++, ours, theirs }));
}

/** The field_mappings object for the filled rows. */
export function toFieldMappings(rows: Row[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.ours.trim() && r.theirs.trim()).map((r) => [r.ours.trim(), r.theirs.trim()]));
}

/** The name a CRM field is mapped by (listFields answers vary by CRM: name, key, id). */
export function crmFieldName(f: Record<string, unknown>): string | undefined {
  for (const k of ['name', 'key', 'fieldKey', 'id']) if (typeof f[k] === 'string' && f[k]) return f[k] as string;
  return undefined;
}

/** The field mappings table: call field → CRM field, CRM names offered from the CRM's own list. */
export function FieldMappingsTable({
  rows,
  onChange,
  crmFields,
  unknown,
}: {
  rows: Row[];
  onChange: (r: Row[]) => void;
  crmFields: Array<Record<string, unknown>>;
  unknown: string[];
}) {
  const id = useId();
  const set = (key: number, patch: Partial<Row>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Field mappings</h3>
      <p className="hint">Write a call field to a field of the contact in the CRM.</p>
      <datalist id={`${id}-ours`}>
        {CALL_FIELDS.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <datalist id={`${id}-theirs`}>
        {crmFields.map((f, i) => {
          const name = crmFieldName(f);
          return name ? <option key={`${name}-${i}`} value={name} label={typeof f.label === 'string' ? f.label : undefined} /> : null;
        })}
      </datalist>
      {rows.length === 0 && <p className="hint">No field mappings.</p>}
      {rows.map((r, i) => {
        const bad = r.theirs.trim() !== '' && unknown.includes(r.theirs.trim());
        return (
          <div key={r.key} className="mapping-row">
            <div className="field">
              <label htmlFor={`${id}-o${r.key}`}>Call field {i + 1}</label>
              <input id={`${id}-o${r.key}`} list={`${id}-ours`} value={r.ours} onChange={(e) => set(r.key, { ours: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-t${r.key}`}>CRM field {i + 1}</label>
              <input
                id={`${id}-t${r.key}`}
                list={`${id}-theirs`}
                value={r.theirs}
                onChange={(e) => set(r.key, { theirs: e.target.value })}
                aria-invalid={bad || undefined}
                aria-describedby={bad ? `${id}-u${r.key}` : undefined}
              />
              {bad && (
                <p id={`${id}-u${r.key}`} className="field-error">
                  Unknown in the CRM
                </p>
              )}
            </div>
            <button
              type="button"
              onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
              aria-label={`Remove field mapping ${i + 1}`}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...rows, { key: nextKey++, ours: '', theirs: '' }])}>
        Add a field mapping
      </button>
    </section>
  );
}
