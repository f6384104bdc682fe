#!/usr/bin/env node
// Entry point of the `opsgate` command and of the systemd units: it runs the compiled JavaScript in dist/
// (`npm run build`). When dist/ is missing or older than src/, a development checkout (tsx installed) runs the
// TypeScript sources through tsx instead, and an install without the dev dependencies refuses, naming the build.
// OPSGATE_CLI=dist insists on dist/ (CI runs the CLI tests so); OPSGATE_CLI=src runs the sources.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distFreshness } from './dist-freshness.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const mode = process.env.OPSGATE_CLI ?? 'auto';
if (!['auto', 'dist', 'src'].includes(mode)) refuse(`OPSGATE_CLI must be dist or src (or unset), not "${mode}"`);

const dist = mode === 'src' ? undefined : distFreshness(root);
let cli;
if (dist?.state === 'fresh') {
  cli = await import('../dist/wiring/cli.js');
} else if (mode !== 'dist' && (await registerTsx())) {
  cli = await import('../src/wiring/cli.ts');
} else if (dist === undefined) {
  refuse('OPSGATE_CLI=src needs tsx, a dev dependency: run `npm ci` (without --omit=dev)');
} else {
  const why = dist.state === 'missing' ? 'dist/ is missing' : `dist/ is older than src/ (${dist.changed} changed)`;
  refuse(`${why}: run \`npm run build\` in ${root} (docs/operations.md, Install)`);
}
process.exitCode = await cli.main(process.argv);

/** Loads tsx's module hooks, so that `.ts` files import; false when tsx is not installed (a production install). */
async function registerTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw e;
  }
}

/** Exits 2, like a bad configuration: restarting cannot fix it (the units do not restart on 2). */
function refuse(message) {
  process.stderr.write(`opsgate: ${message}\n`);
  process.exit(2);
}
