import type { JsonSchema } from './types';

/** One control of a form generated from a connector's config schema. */
export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'list';
  required: boolean;
  description?: string;
  options?: string[];
  default?: unknown;
}

/** Option names read better as words: `pipeline_stage_id` → "Pipeline stage id". */
export function humanize(name: string): string {
  const s = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The controls for a config schema's top-level properties. Objects (such as `field_mappings`) are
 * left to the mapping editor; arrays of strings become a comma-separated list.
 */
export function formFields(schema: JsonSchema | undefined): FormField[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).flatMap(([name, p]): FormField[] => {
    const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type;
    const base = { name, label: p.title ?? humanize(name), required: required.has(name), description: p.description, default: p.default };
    if (p.enum) return [{ ...base, kind: 'select', options: p.enum.map(String) }];
    if (type === 'boolean') return [{ ...base, kind: 'boolean' }];
    if (type === 'integer' || type === 'number') return [{ ...base, kind: type }];
    if (type === 'array' && (!p.items || p.items.type === 'string')) return [{ ...base, kind: 'list' }];
    if (type === 'object' || type === 'array') return [];
    return [{ ...base, kind: 'text' }];
  });
}

/** The form's text values for a stored config (absent options stay empty, so defaults apply). */
export function fromConfig(fields: FormField[], config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = config[f.name];
    if (v === undefined || v === null) out[f.name] = '';
    else if (f.kind === 'list' && Array.isArray(v)) out[f.name] = v.join(', ');
    else out[f.name] = String(v);
  }
  return out;
}

/**
 * A config object from the form's text values: empty ones are left out (the hub applies defaults),
 * numbers and booleans get their types; text the hub should judge is sent as typed, so its error
 * names the field. Editing (`keep` is the stored config), an option the form cleared is sent as
 * null, which the hub's merge reads as "remove it".
 */
export function toConfig(fields: FormField[], values: Record<string, string>, keep: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...keep };
  for (const f of fields) {
    const raw = (values[f.name] ?? '').trim();
    delete out[f.name];
    if (raw === '') {
      if (keep[f.name] !== undefined && keep[f.name] !== null) out[f.name] = null;
      continue;
    }
    if (f.kind === 'boolean') out[f.name] = raw === 'true';
    else if (f.kind === 'integer' || f.kind === 'number') out[f.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (f.kind === 'list')
      out[f.name] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else out[f.name] = raw;
  }
  return out;
}
