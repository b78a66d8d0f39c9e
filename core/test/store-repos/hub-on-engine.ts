import { randomBytes } from 'node:crypto';
import type { TestEngine } from '@hub/store/testing';
import { HubServices } from '../../src/services.js';
import { Registry } from '../../src/registry/registry.js';
import { Keyring } from '../../src/security/crypto.js';
import { silentLogger } from '../../src/engine/types.js';

/** Hub services with no connectors on a freshly opened test engine, and how to dispose of both. */
export async function hubOnEngine(target: TestEngine): Promise<{ hub: HubServices; dispose(): Promise<void> }> {
  const opened = await target.open();
  const hub = new HubServices(
    opened.engine,
    Registry.of([]),
    new Keyring([randomBytes(32)]),
    { allowPrivateUrls: false, publicUrl: 'https://hub.test' },
    silentLogger,
  );
  await hub.init();
  return { hub, dispose: () => opened.dispose() };
}
