import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConnectorRuntime,
  STEPS,
  applyOverrides,
  credentialSecrets,
  discover,
  isHubError,
  loadPackage,
  normalizeCall,
  redact,
  redactText,
  runStep,
  silentLogger,
  skipReason,
  validateConfig,
  type CallData,
  type Connector,
  type ExchangeSummary,
  type LoadProblem,
  type OAuthStrategyFactory,
} from '@hub/core';
import type { StepName } from '@hub/manifests';

type Obj = Record<string, unknown>;

/** A flag's value as JSON: inline JSON, or the path of a JSON file. */
export function readJsonArg(value: string | undefined, flag: string): Obj | undefined {
  if (value === undefined) return undefined;
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  try {
    return JSON.parse(text) as Obj;
  } catch (err) {
    throw new Error(`--${flag}: neither a JSON file nor JSON (${(err as Error).message})`);
  }
}

/** Finds the package whose manifest has this id and loads only that one (others may be mid-edit). */
export async function findConnector(id: string, dir: string): Promise<Connector> {
  for (const pkgDir of await discover([dir])) {
    const meta = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { hub: { connector: string } };
    const manifestId = (() => {
      try {
        return (JSON.parse(readFileSync(join(pkgDir, meta.hub.connector), 'utf8')) as { id?: unknown }).id;
      } catch {
        return undefined;
      }
    })();
    if (manifestId !== id) continue;
    const problems: LoadProblem[] = [];
    const loaded = await loadPackage(pkgDir, problems);
    if (!loaded) throw new Error(`${id} does not load:\n${problems.map((p) => `  ${p.file}: ${p.path} ${p.message}`).join('\n')}`);
    return loaded;
  }
  throw new Error(`no connector with id "${id}" below ${dir}`);
}

// With no token service at hand, an OAuth connector is tried with an access token given on the command line.
const givenToken: OAuthStrategyFactory = () => ({
  canRefresh: false,
  async apply(req, ctx) {
    if (ctx.credentials.access_token) req.headers.authorization = `Bearer ${String(ctx.credentials.access_token)}`;
  },
});

const CONTACT_OPS = new Set(['findContact', 'createContact', 'upsertContact']);

/** The step whose mapping feeds an operation, if any. */
function stepOf(op: string): StepName | undefined {
  if (CONTACT_OPS.has(op)) return 'contact';
  return (Object.keys(STEPS) as StepName[]).find((s) => STEPS[s].operation === op);
}

async function defaultInput(rt: ConnectorRuntime, op: string, ctx: { call: Obj; steps: Obj }): Promise<unknown> {
  const step = stepOf(op);
  if (step) return rt.map(step, ctx);
  if (op === 'testConnection') return rt.connector.manifest.mappings?.event ? rt.map('event', ctx) : undefined;
  if (op === 'getAvailability') {
    const appt = ctx.call.appointment_booked as Obj | null;
    return { date: appt?.date ?? new Date().toISOString().slice(0, 10), timezone: appt?.timezone };
  }
  return undefined;
}

/** `try <id> <operation> --call file`: runs one operation for real and prints each exchange, secrets redacted. */
export async function tryOperation(positional: string[], flags: Record<string, string>, connectorsDir: string): Promise<number> {
  const [id, op] = positional;
  if (!id || !op || !flags.call) {
    process.stderr.write(
      'usage: pnpm hub connector try <id> <operation> --call <file.json> [--config …] [--credentials …] [--base-url …] [--input …] [--steps …]\n',
    );
    return 2;
  }
  let secrets: string[] = [];
  const out = (text: string) => process.stdout.write(`${redactText(text, secrets)}\n`);
  try {
    const loaded = await findConnector(id, connectorsDir);
    const connector = {
      ...loaded,
      manifest: applyOverrides(loaded.manifest, flags['base-url'] ? { baseUrl: flags['base-url'] } : undefined),
    };
    const declared = Object.keys(connector.manifest.operations);
    if (!declared.includes(op)) throw new Error(`${id} has no operation "${op}"; declared: ${declared.join(', ')}`);
    const credentials = (readJsonArg(flags.credentials, 'credentials') ?? {}) as Record<string, string>;
    secrets = credentialSecrets(credentials);
    const config = validateConfig(connector.manifest, readJsonArg(flags.config, 'config') ?? {});
    const raw = readJsonArg(flags.call, 'call') as CallData;
    const call = normalizeCall(raw, String(raw.agent_id ?? 'agent_cli'));
    const print = (s: ExchangeSummary) => {
      out(`→ ${s.method} ${s.url}`);
      if (s.requestBody !== undefined) out(indent(s.requestBody));
      out(`← ${s.status ?? 'no answer'} in ${Math.round(s.durationMs)} ms (${s.action}: ${s.reason})`);
      if (s.responseBody !== undefined) out(indent(s.responseBody));
    };
    const rt = new ConnectorRuntime(
      connector,
      {
        view: {
          id: `cli_${id}`,
          tenantId: 'cli',
          agentId: String(call.agent_id),
          type: id,
          account: readJsonArg(flags.account, 'account') ?? {},
        },
        config,
        credentials,
      },
      { allowPrivateUrls: true, limiters: new Map(), logger: silentLogger, oauth: givenToken },
      { onExchange: print, recordBodies: true },
    );
    const ctx = { call: call as Obj, steps: readJsonArg(flags.steps, 'steps') ?? {} };
    const step = stepOf(op);
    if (step && STEPS[step].needsContact && !ctx.steps.contact && connector.manifest.capabilities.includes('contacts')) {
      out('# the operation needs a contact: running the contact step first (or pass --steps \'{"contact":{"id":"…"}}\')');
      const contact = await runStep(rt, 'contact', ctx);
      out(contact.status === 'skipped' ? `# contact step skipped: ${contact.reason}` : `# contact: ${JSON.stringify(ctx.steps.contact)}`);
    }
    // The sync's own skip rules, so what `try` says matches what a job would do.
    const skip = step && step !== 'contact' ? await skipReason(step, rt, ctx) : undefined;
    if (skip) out(`# note: the sync would skip this step (${skip}). Running ${op} anyway.`);
    const input = flags.input ? readJsonArg(flags.input, 'input') : await defaultInput(rt, op, ctx);
    out(`# ${id}.${op}`);
    const result = await rt.execute(op, input, ctx);
    out(`result:\n${indent(result)}`);
    return 0;
  } catch (err) {
    const message = isHubError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
    process.stderr.write(`${redactText(`error: ${message}`, secrets)}\n`);
    return 1;
  }

  function indent(value: unknown): string {
    return JSON.stringify(redact(value, secrets), null, 2)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
  }
}
