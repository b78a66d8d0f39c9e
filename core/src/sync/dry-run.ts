import type { StepName } from '@hub/manifests';
import type { ConnectorRuntime, OperationContext } from '../engine/runtime.js';
import type { StepPreview } from './preview.js';
import { runStep } from './step-runner.js';
import { stepPlan } from './steps.js';

export type { StepPreview };

/**
 * Runs a connector's sync steps over a call exactly as a job does (skip rules, mappings, manifest
 * requests and hooks) on a runtime made with `dryRun`, whose recorder answers instead of the CRM.
 * Nothing is sent and nothing is stored; each step's requests are what a sync would send.
 */
export async function dryRunSteps(
  rt: ConnectorRuntime,
  call: Record<string, unknown>,
  mapped: Map<string, unknown>,
): Promise<Record<string, StepPreview>> {
  const recorder = rt.recorder;
  if (!recorder) throw new Error('dryRunSteps needs a runtime made with { dryRun: true }');
  const ctx: OperationContext = { call, steps: {} };
  const out: Record<string, StepPreview> = {};
  for (const step of stepPlan(rt.connector.manifest)) {
    mapped.delete(step);
    const input = () => (mapped.has(step) ? { input: mapped.get(step) ?? null } : {});
    try {
      const outcome = await runStep(rt, step as StepName, ctx);
      const requests = recorder.take();
      out[step] =
        outcome.status === 'skipped'
          ? { status: 'skipped', skipped: outcome.reason, requests }
          : { status: 'would_send', ...input(), requests, output: outcome.output };
    } catch (err) {
      out[step] = { status: 'failed', error: recorder.scrub((err as Error).message), ...input(), requests: recorder.take() };
    }
  }
  return out;
}
