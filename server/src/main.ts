import { loadSettings, SettingsError } from './settings.js';
import { createHub, type RunningHub } from './runtime.js';
import { extensions } from './extensions.js';

/** A stop that has not finished by then exits anyway: SIGTERM to `pnpm start` stops the hub within 10 s. */
const HARD_STOP_MS = 9_000;

let stopping = false;

/** Opens the store, builds the app and listens; returns early (for stop() to close) when a stop came meanwhile. */
async function start(): Promise<RunningHub> {
  const settings = loadSettings();
  const running = await createHub(settings, extensions());
  if (stopping) return running;
  await running.app.listen({ port: settings.port, host: settings.host });
  running.app.log.info(
    { store: running.hub.engine.kind, worker: Boolean(running.worker), connectors: running.hub.registry.list().map((c) => c.manifest.id) },
    'hub ready',
  );
  return running;
}

// The handlers are in place before anything opens the data folder, so a stop during start-up waits
// for the start to finish and then closes what it opened, instead of leaving a half-open store.
const starting = start();

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    console.error(`stop (${signal}) took longer than ${HARD_STOP_MS / 1000} s; exiting`);
    process.exit(1);
  }, HARD_STOP_MS).unref();
  const running = await starting.catch(() => undefined);
  if (!running) return;
  running.app.log.info({ signal }, 'stopping: no new jobs, in-flight jobs finish or are released, the store is closed');
  await running.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

starting.catch((err: Error) => {
  console.error(err instanceof SettingsError || err.name === 'RegistryError' ? err.message : err);
  process.exit(1);
});
