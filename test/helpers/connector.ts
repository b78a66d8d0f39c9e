import { sampleCall as specCall } from './fixtures.js';
import type { OperationName, StepName } from '@hub/manifests';

export type { Connector, OperationName };
import { ConnectorRuntime, STEPS, applyOverrides, loadPackage, normalizeCall, silentLogger, validateConfig, type CallData, type Connector, type ExchangeSummary, type LoadProblem, type RateLimiter } from '@hub/core';

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
  opts: { config?: Record<string, unknown>; credentials: Record<string, string>; fieldMappings?: Record<string, string>; id?: string; limiters?: Map<string, RateLimiter> },
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
  return normalizeCall(specCall(`call_${Math.random().toString(36).slice(2, 10)}`, { appointment_booked: null, transcript: null, ...over }) as CallData, 'agent_test');
}

/** The context of one job's operations: the call and the outputs of its finished steps. */
export interface StepContext {
  call: Record<string, unknown>;
  steps: Record<string, unknown>;
}

/** Runs the contact step (upsert, or find then create) like a job would, without the store's lease. */
export async function contactStep(rt: ConnectorRuntime, ctx: StepContext): Promise<Record<string, unknown>> {
  const input = await rt.map('contact', ctx);
  let contact = rt.has('upsertContact') ? await rt.execute('upsertContact', input, ctx) : rt.has('findContact') ? await rt.execute('findContact', input, ctx) : null;
  if (!contact) contact = await rt.execute('createContact', input, ctx);
  ctx.steps.contact = contact;
  return contact as Record<string, unknown>;
}

/** Runs further sync steps in order, each skipped like the engine skips it: missing operation, data the call lacks, a false `when`. */
export async function runSteps(rt: ConnectorRuntime, ctx: StepContext, stepOps: Array<[string, OperationName]>): Promise<Record<string, unknown>> {
  for (const [step, op] of stepOps) {
    if (!rt.has(op) || STEPS[step as StepName]?.lacks(ctx.call) || !(await rt.applies(op, ctx))) continue;
    ctx.steps[step] = await rt.execute(op, await rt.map(step, ctx), ctx);
  }
  return ctx.steps;
}
