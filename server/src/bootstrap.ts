import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HubServices, Keyring, Registry, type Logger, type OAuthStrategyFactory } from '@hub/core';
import { DataDirInUseError, openStore } from '@hub/store';
import { SettingsError, type Settings } from './settings.js';

/** The workspace's connectors folder: every package in it with `hub.connector` is loaded. */
export const CONNECTORS_DIR = fileURLToPath(new URL('../../connectors', import.meta.url));

/** Optional pieces a caller can plug in (the OAuth strategy). */
export interface BootstrapExtras {
  oauth?: (hub: HubServices) => OAuthStrategyFactory;
  connectorDirs?: string[];
}

/**
 * The encryption key: HUB_SECRET_KEY (base64 of 32 bytes; several, comma-separated, for rotation,
 * the first sealing new data), else one generated once into the data folder, with a warning.
 */
export function loadKeyring(settings: Settings, logger: Logger): Keyring {
  if (settings.secretKey) {
    const keys = settings.secretKey.split(',').map((k) => Buffer.from(k.trim(), 'base64'));
    if (keys.some((k) => k.length !== 32))
      throw new Error('HUB_SECRET_KEY: each key must be 32 bytes, base64-encoded (try: openssl rand -base64 32)');
    return new Keyring(keys);
  }
  // Every process on a shared MongoDB must seal and open credentials with the same key; a key made
  // up on one host would leave the others unable to read what it stored.
  if (settings.mongodbUrl)
    throw new SettingsError(
      'HUB_SECRET_KEY: must be set when MONGODB_URL is (every hub process sharing the database needs the same key; try: openssl rand -base64 32)',
    );
  mkdirSync(settings.dataDir, { recursive: true });
  const file = join(settings.dataDir, 'secret.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    logger.warn(
      { file },
      'HUB_SECRET_KEY is not set: generated a key into the data folder. Set HUB_SECRET_KEY in production and keep it safe',
    );
  }
  return new Keyring([Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')]);
}

/** Opens the store, loads the connectors and assembles the engine. */
export async function bootstrap(settings: Settings, logger: Logger, extras: BootstrapExtras = {}): Promise<HubServices> {
  const registry = await Registry.load({
    dirs: extras.connectorDirs ?? [CONNECTORS_DIR, ...settings.connectorDirs],
    overrides: settings.overrides,
  });
  const keyring = loadKeyring(settings, logger);
  const engine = await openStoreOrExplain(settings);
  const hub = new HubServices(
    engine,
    registry,
    keyring,
    {
      allowPrivateUrls: settings.allowPrivateUrls,
      publicUrl: settings.publicUrl,
      backoff: { baseMs: settings.retryBaseMs, capMs: 600_000, maxAttempts: settings.maxAttempts },
      oauthApps: settings.oauthApps,
      oauthSuccessUrl: settings.oauthSuccessUrl,
    },
    logger,
    extras.oauth,
  );
  await hub.init();
  return hub;
}

/** Opens the store; an unreachable MONGODB_URL or a data folder in use becomes one line naming the setting. */
async function openStoreOrExplain(settings: Settings) {
  try {
    return await openStore({ mongodbUrl: settings.mongodbUrl, dataDir: settings.dataDir, coldDocs: settings.storeColdDocs });
  } catch (err) {
    // A second hub on the same data folder: the lock's message says what to do, a stack trace would bury it.
    if (err instanceof DataDirInUseError) throw new SettingsError(`HUB_DATA_DIR: ${err.message}`, { cause: err });
    if (!settings.mongodbUrl) throw err;
    const where = settings.mongodbUrl.replace(/\/\/[^@/]*@/, '//***@');
    throw new SettingsError(`MONGODB_URL: cannot reach ${where} (${(err as Error).message.split('\n')[0]})`);
  }
}
