import { opsgate } from '../cli/opsgate-process.ts';
import { getLab } from '../../support/lab.ts';

/**
 * `opsgate sites discover` against the lab of the running project, with its client key and pinned host keys;
 * `extra` adds options (`--user`, `--become` …), `env` the variables they name.
 */
export const discover = (
  hosts: string,
  out: string,
  extra: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
) =>
  opsgate(
    [
      'sites',
      'discover',
      '--hosts',
      hosts,
      '--out',
      out,
      '--key',
      getLab().clientKey,
      '--known-hosts',
      getLab().knownHosts,
      ...extra,
    ],
    env,
  );
