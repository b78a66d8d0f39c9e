import { sampleCall as specCall } from './fixtures.js';
import type { OperationName, StepName } from '@hub/manifests';

export type { Connector, OperationName, StepName };
import {
  ConnectorRuntime,
  applyOverrides,
  loadPackage,
  normalizeCall,
  runStep,
  silentLogger,
  validateConfig,
  type CallData,
  type Connector,
  type ExchangeSummary,
  type LoadProblem,
  type RateLimiter,
} from '@hub/core';

/** Loads one connector package (manifest validated, hooks imported) with its base URL pointed at a simulator. */
export async function loadConnector(dir: string, baseUrl?: string): Promise<Connector> {
  const problems: LoadProblem[] = [];
  const c = await loadPackage(dir, problems);
  if (!c) throw new Error(`connector at ${dir} does not load: ${JSON.stringify(problems)}`);
  return { ...c, manifest: applyOverrides(c.manifest, baseUrl ? { baseUrl } : undefined) };
}

/** A runtime for one made-up connection of a connector: config checked and defaulted like the connect route does. */
export function connectorRuntime(
  connector: Connector,
  opts: {
    config?: Record<string, unknown>;
    credentials: Record<string, string>;
    fieldMappings?: Record<string, string>;
    id?: string;
    limiters?: Map<string, RateLimiter>;
  },
  exchanges: ExchangeSummary[] = [],
): ConnectorRuntime {
  return new ConnectorRuntime(
    connector,
    {
      view: { id: opts.id ?? 'int_test', tenantId: 'tenant_test', agentId: 'agent_test', type: connector.manifest.id, account: {} },
      config: validateConfig(connector.manifest, opts.config ?? {}),
      credentials: opts.credentials,
      fieldMappings: opts.fieldMappings,
    },
    { allowPrivateUrls: true, limiters: opts.limiters ?? new Map(), logger: silentLogger },
    { onExchange: (s) => exchanges.push(s), recordBodies: true },
  );
}

/** A call in the original spec's shape, normalised as the engine sees it; fields given override the defaults. */
export function sampleCall(over: Partial<CallData> & Record<string, unknown> = {}): Record<string, unknown> {
  // Without an appointment unless a test books one: most connector tests are about the other steps.
  return normalizeCall(
    specCall(`call_${Math.random().toString(36).slice(2, 10)}`, { appointment_booked: null, transcript: null, ...over }) as CallData,
    'agent_test',
  );
}

/** The context of one job's operations: the call and the outputs of its finished steps. */
export interface StepContext {
  call: Record<string, unknown>;
  steps: Record<string, unknown>;
}

/** Runs the contact step with the engine's own step runner (upsert, or find then create), without the store's lease. */
export async function contactStep(rt: ConnectorRuntime, ctx: StepContext): Promise<Record<string, unknown>> {
  const outcome = await runStep(rt, 'contact', ctx);
  if (outcome.status === 'skipped') throw new Error(`the contact step was skipped: ${outcome.reason}`);
  return outcome.output as Record<string, unknown>;
}

/** Runs further sync steps in order with the engine's step runner, so each is skipped exactly as a job skips it. */
export async function runSteps(rt: ConnectorRuntime, ctx: StepContext, steps: StepName[]): Promise<Record<string, unknown>> {
  for (const step of steps) await runStep(rt, step, ctx);
  return ctx.steps;
}
