import type { StepName } from '@hub/manifests';
import type { ConnectorRuntime, OperationContext } from '../engine/runtime.js';
import type { PreviewRequest } from '../http/dry-run.js';
import { runStep } from './step-runner.js';
import { stepPlan } from './steps.js';

/**
 * What one step of a dry run came to. A flat record on purpose: other per-step facts (how each
 * contact field would be written, say) join it as optional keys without changing the others.
 */
export interface StepPreview {
  /** `would_send`: the step runs and sends `requests`; `skipped`: it would not run; `failed`: it would fail */
  status: 'would_send' | 'skipped' | 'failed';
  /** why the step would not run */
  skipped?: string;
  /** why the step would fail (its mapping's error, a hook's refusal), secrets removed */
  error?: string;
  /** what the step's mapping made of the call (null when the step has no mapping) */
  input?: unknown;
  /** the exact requests the step would send, in order */
  requests: PreviewRequest[];
  /** what later steps see from this one (placeholder ids from the recorder's answers) */
  output?: unknown;
  /** CRM field names this step writes that the CRM does not have */
  unknown_fields?: string[];
  /** the contact step: each field's write mode onto a contact the CRM already has */
  modes?: Record<string, string>;
}

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
