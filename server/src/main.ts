import { loadSettings, SettingsError } from './settings.js';
import { createHub } from './runtime.js';
import { extensions } from './extensions.js';

try {
  const settings = loadSettings();
  const running = await createHub(settings, extensions());
  const stop = async (signal: string) => {
    running.app.log.info({ signal }, 'stopping');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await running.app.listen({ port: settings.port, host: settings.host });
  running.app.log.info({ store: running.hub.engine.kind, worker: Boolean(running.worker), connectors: running.hub.registry.list().map((c) => c.manifest.id) }, 'hub ready');
} catch (err) {
  console.error(err instanceof SettingsError || (err as Error).name === 'RegistryError' ? (err as Error).message : err);
  process.exit(1);
}
