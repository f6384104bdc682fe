import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshSession } from '../../src/runners/ssh/create-ssh-session.ts';
import type { BareLab } from './bench-lab.ts';

/**
 * opsgate's runner, in this process (as in the bot's worker): a fresh session per run, so connecting is
 * measured every time; each command is one fan-out over every host, the session's connections reused.
 */
export async function runOpsgate(lab: BareLab, commands: readonly string[], concurrency: number): Promise<void> {
  const privateKey = readFileSync(lab.privateKeyPath);
  const session = createSshSession({
    hosts: lab.hosts.map((h) => ({ name: h.name, address: h.address, port: 22, user: 'root', privateKey, knownHosts: lab.knownHosts })),
    secrets: [],
    spoolDir: join(lab.stateDir, 'bench', 'spool'),
  });
  try {
    for (const command of commands) {
      const outcomes = await session.fanOut(
        lab.hosts.map((h) => h.name),
        () => ({ command, timeoutMs: 60_000 }),
        { concurrency },
      );
      const bad = outcomes.filter((o) => o.status !== 'done' || o.result.exitCode !== 0);
      if (bad.length > 0) {
        const first = bad[0];
        const why = first?.status === 'error' ? first.error.message : first?.status;
        throw new Error(`opsgate: ${bad.length} host(s) failed "${command}", first: ${first?.host}: ${why}`);
      }
    }
  } finally {
    await session.close();
  }
}
