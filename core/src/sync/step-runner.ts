import type { StepName } from '@hub/manifests';
import type { ConnectorRuntime, OperationContext } from '../engine/runtime.js';
import { findOrCreateContact, type ContactStepDeps } from './contact-step.js';
import { STEPS, operationFor, stepPlan } from './steps.js';

/** What one sync step came to: skipped with a reason, or its output (`recovered` when a recovery lookup found it). */
export type StepOutcome = { status: 'skipped'; reason: string } | { status: 'succeeded'; output: unknown; recovered: boolean };

/**
 * What makes a step safe to repeat in a job. The engine passes all of it; the CLI and connector tests,
 * which have no store, pass nothing and run the same steps bare.
 */
export interface StepGuard {
  /** the store's lease and remembered contacts for the contact step */
  contact?: ContactStepDeps;
  /** an earlier attempt started this step and its outcome is unknown: ask the recovery lookup first */
  started?: boolean;
  /** records that the step is about to send its first request */
  markStarted?: () => Promise<void>;
  /** a record made before the sync that this step links instead of writing (a booking made during the call), or undefined */
  existing?: () => Promise<unknown>;
  /** throws when the job is no longer this attempt's (claimed again elsewhere); called right before the step writes to the CRM */
  fence?: () => Promise<void>;
}

/** Why the sync skips a step for this connector and call, or undefined when it runs. */
export async function skipReason(step: StepName, rt: ConnectorRuntime, ctx: OperationContext): Promise<string | undefined> {
  const manifest = rt.connector.manifest;
  if (!stepPlan(manifest).includes(step)) return `${manifest.id} does not run the ${step} step (capability or operation not declared)`;
  const def = STEPS[step];
  const lacking = def.lacks(ctx.call);
  if (lacking) return lacking;
  if (def.needsContact && manifest.capabilities.includes('contacts') && !ctx.steps.contact) return 'there is no contact to attach it to';
  const op = operationFor(step, manifest);
  if (!(await rt.applies(op, ctx))) return `${op} does not apply (its "when" is false)`;
  return undefined;
}

/**
 * Runs one sync step as a job does: the skip rules, then the contact find-or-create or the step's
 * operation over its mapping. With `guard.markStarted` a step whose operation declares a recovery
 * lookup is marked before its first request; a
 * step found started had an attempt whose outcome is unknown (the answer was lost or the hub stopped
 * before the checkpoint), so the operation's recovery lookup, when the manifest declares one, is asked
 * first what that attempt created. The contact step needs no mark: it is a find-or-create already.
 * A finished step's output joins `ctx.steps` for the steps after it.
 */
export async function runStep(rt: ConnectorRuntime, step: StepName, ctx: OperationContext, guard: StepGuard = {}): Promise<StepOutcome> {
  const outcome = await stepOutcome(rt, step, ctx, guard);
  if (outcome.status === 'succeeded') ctx.steps[step] = outcome.output;
  return outcome;
}

async function stepOutcome(rt: ConnectorRuntime, step: StepName, ctx: OperationContext, guard: StepGuard): Promise<StepOutcome> {
  const reason = await skipReason(step, rt, ctx);
  if (reason) return { status: 'skipped', reason };
  if (step === 'contact') {
    const deps = guard.contact && guard.fence ? { ...guard.contact, fence: guard.fence } : guard.contact;
    return { status: 'succeeded', output: await findOrCreateContact(rt, ctx, deps), recovered: false };
  }
  const existing = await guard.existing?.();
  if (existing !== undefined) return { status: 'succeeded', output: existing, recovered: false };
  const operation = STEPS[step].operation;
  const input = await rt.map(step, ctx);
  if (guard.started) {
    const found = await rt.recover(operation, input, ctx);
    if (found !== null) return { status: 'succeeded', output: found, recovered: true };
  } else if (rt.connector.manifest.operations[operation]?.recover) {
    // Only a recovery lookup reads the mark: without one a retry writes again either way, so the mark would be a wasted durable write.
    await guard.markStarted?.();
  }
  await guard.fence?.();
  return { status: 'succeeded', output: await rt.execute(operation, input, ctx), recovered: false };
}
