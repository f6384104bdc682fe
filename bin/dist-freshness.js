import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The file whose time stamps the build: `npm run build` empties dist/ and writes every file anew. */
export const DIST_ENTRY = join('dist', 'wiring', 'cli.js');

/**
 * Whether the compiled JavaScript in `<root>/dist` may run for the sources in `<root>/src`: `fresh`, `missing`, or
 * `stale` with the first source changed after the build (a file, or a folder whose files were added or removed).
 * The `opsgate` command must never run code older than its sources, and `scripts/setup.sh` builds only when needed.
 * An install shipped without src/ is fresh whenever dist/ is there.
 *
 * @param {string} root the checkout's directory
 * @returns {{ state: 'fresh' } | { state: 'missing' } | { state: 'stale', changed: string }}
 */
export function distFreshness(root) {
  const entry = join(root, DIST_ENTRY);
  if (!existsSync(entry)) return { state: 'missing' };
  const built = statSync(entry).mtimeMs;
  const src = join(root, 'src');
  if (!existsSync(src)) return { state: 'fresh' };
  const changed = firstNewer(src, built);
  return changed === undefined ? { state: 'fresh' } : { state: 'stale', changed: relative(root, changed) };
}

/** The first path under `dir` (itself included) modified after `time`, if any. */
function firstNewer(dir, time) {
  if (statSync(dir).mtimeMs > time) return dir;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const found = firstNewer(path, time);
      if (found !== undefined) return found;
    } else if (statSync(path).mtimeMs > time) return path;
  }
  return undefined;
}
