import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findConnector } from './cli-connector-try.js';

/** What every connector simulator gives back (simkit's Simulator): its URL, a way to stop it, its token store. */
interface RunningSim {
  url: string;
  close(): Promise<void>;
  tokens?: { issue(opts: { accessToken?: string }): { accessToken: string } };
  [key: string]: unknown;
}

type StartSim = (opts: { port?: number }) => Promise<RunningSim>;

/** The simulator of a connector package: the `start…Sim` export of its sim/index.ts. */
async function simulatorOf(dir: string, id: string): Promise<StartSim> {
  const entry = join(dir, 'sim', 'index.ts');
  if (!existsSync(entry))
    throw new Error(`${id} has no simulator (${entry} does not exist); a connector that extends another uses its base's`);
  const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  const starts = Object.entries(mod).filter(([name, value]) => /^start\w*Sim$/.test(name) && typeof value === 'function');
  if (starts.length !== 1)
    throw new Error(`${entry} must export one start…Sim function; it exports ${starts.map(([n]) => n).join(', ') || 'none'}`);
  return starts[0][1] as StartSim;
}

/**
 * `pnpm hub sim <connector> [--port N]`: starts the connector's loopback simulator and prints one JSON
 * line with its URL, the base URL to give `connector try --base-url`, and the credentials it accepts;
 * runs until stopped (Ctrl-C).
 */
export async function simCommand(args: string[], connectorsDir: string): Promise<number> {
  const id = args.find((a) => !a.startsWith('--'));
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 0;
  if (!id || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: pnpm hub sim <connector> [--port N]   (N from 0, any free port, to 65535)\n');
    return 2;
  }
  let sim: RunningSim;
  let baseUrl: string;
  try {
    const connector = await findConnector(id, connectorsDir);
    sim = await (await simulatorOf(connector.dir, id))({ port });
    // The manifest's base URL may carry a path (Pipedrive's /v1); a templated one (Salesforce's instance) has none to keep.
    const declared = connector.manifest.http.baseUrl;
    baseUrl = declared.includes('{{') ? sim.url : `${sim.url}${new URL(declared).pathname.replace(/\/$/, '')}`;
    const oauth = connector.manifest.auth.type === 'oauth2';
    const credentials = simCredentials(sim, Object.keys(connector.manifest.credentials ?? {}), oauth);
    process.stdout.write(`${JSON.stringify({ connector: id, url: sim.url, baseUrl, credentials })}\n`);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  process.stderr.write(
    `${id} simulator on ${sim.url}; try it with: pnpm hub connector try ${id} <operation> --call call.json --base-url ${baseUrl} --credentials '…' (Ctrl-C stops it)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}

// The credentials the simulator accepts, named as the connect body names them: an OAuth connector gets a
// freshly issued access token, a connector with one secret field gets the simulator's token or key.
function simCredentials(sim: RunningSim, fields: string[], oauth: boolean): Record<string, string> {
  if (oauth) return sim.tokens ? { access_token: sim.tokens.issue({}).accessToken } : {};
  const secrets = Object.entries(sim).filter((e): e is [string, string] => typeof e[1] === 'string' && /token|key/i.test(e[0]));
  if (fields.length === 1 && secrets.length > 0) return { [fields[0]]: secrets[0][1] };
  return Object.fromEntries(secrets);
}
