import { callResult } from '../mapping/functions.js';
import { STEP_NAMES, type CapabilityName, type Manifest, type OperationName, type StepName } from '@hub/manifests';
import { searchablePhone } from './phone.js';

/** What each sync step runs, what it needs, and which mapping gives its input. */
export interface StepDef {
  operation: OperationName;
  capability: CapabilityName;
  /** a reason to skip when the call lacks the data, else undefined */
  lacks(call: Record<string, unknown>): string | undefined;
  /** true when the step writes onto the contact and so needs the contact step's output */
  needsContact: boolean;
}

const has = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The steps table. */
export const STEPS: Record<StepName, StepDef> = {
  contact: {
    operation: 'upsertContact',
    capability: 'contacts',
    lacks: (c) =>
      searchablePhone(c) || has(c.customer_email)
        ? undefined
        : c.customer_phone_valid === false
          ? 'the call has no email and its customer_phone is not a phone number'
          : 'the call has no customer phone or email',
    needsContact: false,
  },
  job: { operation: 'createJob', capability: 'jobs', lacks: () => undefined, needsContact: true },
  note: {
    operation: 'addNote',
    capability: 'notes',
    // A call nobody answered has no summary, but the CRM should still show the attempt and its result.
    lacks: (c) =>
      has(c.call_summary) || has(c.transcript) || callResult(c) !== 'completed' ? undefined : 'the call has no summary or transcript',
    needsContact: true,
  },
  callLog: { operation: 'logCall', capability: 'calls', lacks: () => undefined, needsContact: true },
  appointment: {
    operation: 'bookAppointment',
    capability: 'appointments',
    lacks: (c) => (has(c.appointment_booked) ? undefined : 'no appointment was booked'),
    needsContact: true,
  },
  workflow: { operation: 'triggerWorkflow', capability: 'workflows', lacks: () => undefined, needsContact: true },
  opportunity: { operation: 'createOpportunity', capability: 'opportunities', lacks: () => undefined, needsContact: true },
  event: { operation: 'sendEvent', capability: 'events', lacks: () => undefined, needsContact: false },
};

/** The steps a connector runs, in order: its own `plan`, else the default order. */
export function stepPlan(manifest: Manifest): StepName[] {
  const order = manifest.plan ?? [...STEP_NAMES];
  return order.filter((step) => {
    const def = STEPS[step];
    const ops = manifest.operations;
    const declared = step === 'contact' ? Boolean(ops.upsertContact || ops.createContact) : Boolean(ops[def.operation]);
    return declared && manifest.capabilities.includes(def.capability);
  });
}

/** The operation a step runs on a connector: the contact step upserts when it can, else creates (after a find). */
export function operationFor(step: StepName, manifest: Manifest): OperationName {
  if (step === 'contact') return manifest.operations.upsertContact ? 'upsertContact' : 'createContact';
  return STEPS[step].operation;
}
