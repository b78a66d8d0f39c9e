import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { HubError } from '../errors/hub-error.js';
import type { Logger } from '../engine/types.js';
import { CallDataSchema, type CallData } from '../sync/call-data.js';

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
addFormats(ajv);
const check = ajv.compile(CallDataSchema);

/**
 * Makes a provider's call fit CallData: a field that breaks the schema (an analysis that made up an
 * email, a recording link that is not a URL) becomes null and is logged, so one bad field does not
 * keep the rest of the call out of the CRM. Only a missing call_id is fatal.
 */
export function cleanCallData(raw: Record<string, unknown>, log: Logger): CallData {
  const call: Record<string, unknown> = { ...raw };
  for (let round = 0; round < 5 && !check(call); round++) {
    const fields = new Set((check.errors ?? []).map((e) => e.instancePath.split('/')[1]).filter(Boolean));
    if (fields.size === 0 || fields.has('call_id'))
      throw new HubError('HUB_ERR_VALIDATION', `the provider's call does not fit CallData: ${ajv.errorsText(check.errors)}`, {
        field: 'body',
      });
    for (const f of fields) call[f] = null;
    log.warn({ callId: call.call_id, fields: [...fields] }, 'provider call fields dropped: they do not fit CallData');
  }
  return call as CallData;
}
