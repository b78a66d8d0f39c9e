import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeAjvErrors, type Manifest } from '@hub/manifests';
import { HubError } from '../errors/hub-error.js';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false, verbose: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

/** Describes ajv errors as `field: message` lines, with the field as a dotted path under `prefix`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, prefix: string): { field: string; message: string }[] {
  return describeAjvErrors(errors, { noun: 'option' }).map((p) => ({
    field: [prefix, ...p.path].filter(Boolean).join('.'),
    message: p.message,
  }));
}

/** Validates a connection's config against the manifest's schema, filling defaults; 400 naming every wrong field. */
export function validateConfig(manifest: Manifest, config: unknown): Record<string, unknown> {
  const schema = manifest.config ?? { type: 'object', properties: {} };
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  const value = structuredClone(config ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    const problems = describeErrors(validate.errors, 'config');
    throw new HubError('HUB_ERR_VALIDATION', problems.map((p) => `${p.field} ${p.message}`).join('; '), {
      field: problems[0]?.field,
      details: { problems },
    });
  }
  return value;
}
