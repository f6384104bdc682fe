import { readFileSync } from 'node:fs';

/** opsgate's own version (package.json), published in worker heartbeats so that an upgrade can be followed. */
export const OPSGATE_VERSION: string =
  (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string })
    .version ?? 'unknown';
