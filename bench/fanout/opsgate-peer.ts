import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshSession } from '../../src/runners/ssh/create-ssh-session.ts';
import type { BareLab } from './bench-lab.ts';

/**
 * How opsgate runs a workload: `per-command` is one `fanOut` per command (every host waits for the slowest
 * before the next command, as pssh does); `pipeline` is one `fanOutSequence` (each host runs its own list,
 * no barrier), with `channels` commands of a host at once; `batch` is one `fanOutSequence` in batch mode
 * (each host's whole list over one exec channel, what the product does for a precheck's reads).
 */
export type OpsgateMode =
  | { readonly kind: 'per-command' }
  | { readonly kind: 'pipeline'; readonly channels: number }
  | { readonly kind: 'batch' };

/** The mode as printed in the bench's output. */
export function describeMode(mode: OpsgateMode): string {
  if (mode.kind === 'batch') return 'fanOutSequence in batch mode, one channel per host for its whole list';
  return mode.kind === 'per-command'
    ? 'one fanOut per command'
    : `fanOutSequence, ${mode.channels} channel(s) per host`;
}

/**
 * opsgate's runner, in this process (as in the bot's worker): a fresh session per run, so connecting is
 * measured every time; the session's connections are reused by every command. Fails when any command failed
 * on any host.
 */
export async function runOpsgate(
  lab: BareLab,
  commands: readonly string[],
  concurrency: number,
  mode: OpsgateMode,
): Promise<void> {
  const privateKey = readFileSync(lab.privateKeyPath);
  const session = createSshSession({
    hosts: lab.hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: 22,
      user: 'root',
      privateKey,
      knownHosts: lab.knownHosts,
    })),
    secrets: [],
    spoolDir: join(lab.stateDir, 'bench', 'spool'),
  });
  const names = lab.hosts.map((h) => h.name);
  const fail = (count: number, command: string, host: string | undefined, why: string | undefined): Error =>
    new Error(`opsgate: ${count} failure(s), first: "${command}" on ${host}: ${why}`);
  try {
    if (mode.kind !== 'per-command') {
      const reqs = commands.map((command) => ({ command, timeoutMs: 60_000 }));
      const opts =
        mode.kind === 'batch' ? { concurrency, batch: true } : { concurrency, channelsPerHost: mode.channels };
      const hosts = await session.fanOutSequence(names, () => reqs, opts);
      const bad = hosts.flatMap((h) =>
        h.outcomes.filter((o) => o.status !== 'done' || o.result.exitCode !== 0).map((o) => ({ host: h.host, o })),
      );
      const first = bad[0];
      if (first !== undefined)
        throw fail(
          bad.length,
          first.o.command,
          first.host,
          first.o.status === 'error' ? first.o.error.message : first.o.status,
        );
      return;
    }
    for (const command of commands) {
      const outcomes = await session.fanOut(names, () => ({ command, timeoutMs: 60_000 }), { concurrency });
      const bad = outcomes.filter((o) => o.status !== 'done' || o.result.exitCode !== 0);
      const first = bad[0];
      if (first !== undefined)
        throw fail(bad.length, command, first.host, first.status === 'error' ? first.error.message : first.status);
    }
  } finally {
    await session.close();
  }
}
