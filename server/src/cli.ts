import { OutboundService, startOutboundWorker } from '@hub/core';
import { DataDirInUseError } from '@hub/store';
import { loadSettings } from './settings.js';
import { bootstrap } from './bootstrap.js';
import { createLogger, startWorker } from './runtime.js';
import { extensions } from './extensions.js';
import { connectorCommand } from './cli-connector.js';
import { syncCommand } from './cli-sync.js';
import { simCommand } from './cli-sim.js';
import { CONNECTORS_DIR } from './bootstrap.js';

const USAGE = `usage:
  pnpm hub tenant create <name>        create a tenant; prints {"tenantId","apiKey"} (the key is shown once)
  pnpm hub worker                      run sync jobs without the HTTP server
  pnpm hub connector <sub> ...         connector tools (new, validate, try)
  pnpm hub sim <connector> [--port N]  start a connector's loopback simulator (prints its URL and credentials as JSON)
  pnpm hub sync import <file> --agent <id>   bulk sync of past calls to a running hub (HUB_URL, HUB_API_KEY)`;

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (cmd === 'tenant' && sub === 'create') {
    const name = rest.join(' ').trim();
    if (!name) return fail('tenant create needs a name, e.g. pnpm hub tenant create "Acme Roofing"');
    const settings = loadSettings();
    const hub = await bootstrap(settings, createLogger('warn', 'stderr'), extensions(settings)).catch((err: Error) => {
      if (!(err.cause instanceof DataDirInUseError)) throw err;
      throw new Error(
        `${err.message}\nWhile the hub runs, create tenants over HTTP instead: set HUB_ADMIN_KEY and POST /admin/tenants {"name": "…"}.`,
      );
    });
    const created = await hub.repos.tenants.create(name);
    await hub.engine.close();
    process.stdout.write(`${JSON.stringify(created)}\n`);
    return 0;
  }
  if (cmd === 'worker') {
    const settings = loadSettings();
    const logger = createLogger(settings.logLevel);
    // Listen for the stop signal before any job starts, so a stop never lands on the default handler mid-job.
    const stopped = new Promise<void>((resolve) => {
      // `on`, not `once`: a second signal during the stop must not fall through to the default handler.
      process.on('SIGINT', () => resolve());
      process.on('SIGTERM', () => resolve());
    });
    const hub = await bootstrap(settings, logger, extensions(settings));
    const worker = startWorker(hub, settings, logger);
    // The outbound queue (placing calls, settling Retell results, callbacks) runs here too.
    const out = new OutboundService(hub, { analysisWaitMs: settings.retellAnalysisWaitMs });
    await out.init();
    const outbound = startOutboundWorker(out, { concurrency: settings.workerConcurrency });
    logger.info({ worker: worker.id, store: hub.engine.kind }, 'worker running (sync and outbound queues)');
    // Signal listeners and the queues' idle timers do not hold Node's event loop open: without this
    // handle an idle worker exited with 0 a moment after it started, and a stop signal sent while it
    // was exiting killed it outright.
    const alive = setInterval(() => undefined, 2 ** 30);
    await stopped;
    clearInterval(alive);
    await Promise.all([worker.stop(), outbound.stop()]);
    await hub.engine.close();
    return 0;
  }
  if (cmd === 'sync') return syncCommand([sub, ...rest].filter((x) => x !== undefined));
  if (cmd === 'sim')
    return simCommand(
      [sub, ...rest].filter((x) => x !== undefined),
      CONNECTORS_DIR,
    );
  if (cmd === 'connector') return connectorCommand([sub, ...rest].filter((x) => x !== undefined));
  return fail(USAGE);
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  },
);
