import type { ManifestProblem } from './validate.js';

/** The manifest version this engine reads natively. */
export const CURRENT_MANIFEST_VERSION = 1;

type Migration = (m: Record<string, unknown>) => Record<string, unknown>;

// migrations[n] upgrades a manifest of version n to n + 1. None yet: version 1 is the first.
const migrations: Record<number, Migration> = {};

/** Upgrades an older manifest to the current version, or explains why it cannot. */
export function migrateManifest(raw: unknown): { ok: true; value: unknown } | { ok: false; problems: ManifestProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '/', message: 'a manifest must be a JSON object' }] };
  }
  let m = raw as Record<string, unknown>;
  let version = m.manifestVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > CURRENT_MANIFEST_VERSION) {
    return { ok: false, problems: [{ path: '/manifestVersion', message: `must be an integer from 1 to ${CURRENT_MANIFEST_VERSION}` }] };
  }
  while (version < CURRENT_MANIFEST_VERSION) {
    const step = migrations[version];
    if (!step) return { ok: false, problems: [{ path: '/manifestVersion', message: `no migration from version ${version}` }] };
    m = { ...step(m), manifestVersion: version + 1 };
    version += 1;
  }
  return { ok: true, value: m };
}
