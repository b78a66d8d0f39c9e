import { Type, type Static } from '@sinclair/typebox';
import { evaluate, TENANT_LIMITS } from '../mapping/expressions.js';
import type { CallData } from './call-data.js';

/** The original spec's `sync_conditions`, plus a JSONata `when` for anything else. */
export const SyncConditionsSchema = Type.Object(
  {
    call_outcome: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    min_duration_seconds: Type.Optional(Type.Integer({ minimum: 0 })),
    when: Type.Optional(Type.String({ minLength: 1, description: 'JSONata over { call }; the call syncs when it is truthy' })),
  },
  { additionalProperties: false },
);

/** Conditions that decide whether a call syncs to one integration. */
export type SyncConditions = Static<typeof SyncConditionsSchema>;

/** Why a call does or does not sync to an integration. */
export interface ConditionResult {
  sync: boolean;
  reason: string;
}

/** Evaluates an integration's sync conditions against a call. */
export async function checkConditions(call: CallData, conditions: SyncConditions | undefined): Promise<ConditionResult> {
  if (!conditions) return { sync: true, reason: 'no conditions' };
  if (conditions.call_outcome && !conditions.call_outcome.includes(String(call.call_outcome ?? ''))) {
    return { sync: false, reason: `call_outcome "${call.call_outcome ?? ''}" is not one of ${conditions.call_outcome.join(', ')}` };
  }
  if (conditions.min_duration_seconds !== undefined && (call.duration_seconds ?? 0) < conditions.min_duration_seconds) {
    return { sync: false, reason: `duration ${call.duration_seconds ?? 0}s is under ${conditions.min_duration_seconds}s` };
  }
  if (conditions.when && !(await evaluate(conditions.when, { call }, TENANT_LIMITS, 'sync_conditions.when'))) {
    return { sync: false, reason: 'sync_conditions.when is false' };
  }
  return { sync: true, reason: 'conditions met' };
}
