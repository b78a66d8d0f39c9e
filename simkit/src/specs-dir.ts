import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the vendors' published specs: $HUB_SPECS_DIR, else the nearest "shared/specs" above this package. */
export function specsDir(): string {
  const env = process.env.HUB_SPECS_DIR;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, 'shared', 'specs'), join(dir, '..', 'shared', 'specs')]) {
      if (existsSync(join(candidate, 'README.md'))) return resolve(candidate);
    }
    dir = dirname(dir);
  }
  return '/work/shared/specs';
}
