import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (bench/fanout/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A bare lab's hosts and the client files `opsgate lab up --bare N` wrote. */
export interface BareLab {
  readonly stateDir: string;
  readonly hosts: readonly { readonly name: string; readonly address: string }[];
  readonly sshConfig: string;
  readonly knownHosts: string;
  readonly privateKeyPath: string;
}

/** Prefix and net the bench's lab runs on: the caller's OPSGATE_LAB_* or the bench's own. */
export function benchLabEnv(): { prefix: string; net: string } {
  return { prefix: process.env.OPSGATE_LAB_PREFIX ?? 'fob', net: process.env.OPSGATE_LAB_NET ?? '10.77.70' };
}

function opsgate(args: readonly string[], env: { prefix: string; net: string }): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'opsgate.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OPSGATE_LAB_PREFIX: env.prefix, OPSGATE_LAB_NET: env.net },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`opsgate ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

/** Brings up (or reuses) a bare lab of `n` hosts through the `opsgate lab` CLI and reads its state dir. */
export function bareLabUp(n: number, env: { prefix: string; net: string }): BareLab {
  const sshConfig =
    opsgate(['lab', 'up', '--bare', String(n)], env)
      .trim()
      .split('\n')
      .pop() ?? '';
  if (!existsSync(sshConfig))
    throw new Error(`opsgate lab up printed ${JSON.stringify(sshConfig)}, not an ssh_config path`);
  return readBareLab(dirname(sshConfig));
}

/** Takes the bench's bare lab down. */
export function bareLabDown(env: { prefix: string; net: string }): void {
  opsgate(['lab', 'down', '--bare'], env);
}

/** Reads a bare lab's state dir (`hosts.tsv`, `known_hosts`, `client/id_ed25519`, `ssh_config`). */
export function readBareLab(stateDir: string): BareLab {
  const hosts = readFileSync(join(stateDir, 'hosts.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name = '', address = ''] = l.split(/\s+/);
      return { name, address };
    });
  return {
    stateDir,
    hosts,
    sshConfig: join(stateDir, 'ssh_config'),
    knownHosts: join(stateDir, 'known_hosts'),
    privateKeyPath: join(stateDir, 'client', 'id_ed25519'),
  };
}

/**
 * CPU seconds used so far by this process and by the children it has waited for (pssh, ansible, ssh and their
 * own children): the client side of every peer, whatever else the machine is busy with.
 */
export function clientCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may contain spaces): utime, stime, cutime, cstime are 14-17.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return (utime + stime + cutime + cstime) / clockTicks();
}

let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/**
 * CPU seconds used so far by every process inside the lab's hosts (each sshd and what it ran): the server side
 * of every peer. A process that exits moves its time into its parent's cutime, so deltas stay whole.
 */
export function labHostsCpuSeconds(lab: BareLab): number {
  const namespaces = new Set<string>();
  for (const line of readFileSync(join(lab.stateDir, 'pids'), 'utf8').split('\n')) {
    const upid = line.trim().split(/\s+/)[1];
    if (upid === undefined) continue;
    const pid1 = readOr(`/proc/${upid}/task/${upid}/children`).trim().split(/\s+/)[0];
    if (pid1 !== undefined && pid1 !== '') namespaces.add(linkOr(`/proc/${pid1}/ns/pid`));
  }
  namespaces.delete('');
  let ticksUsed = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (!namespaces.has(linkOr(`/proc/${pid}/ns/pid`))) continue;
    const stat = readOr(`/proc/${pid}/stat`);
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number)
      .slice(11, 15);
    ticksUsed += utime + stime + cutime + cstime;
  }
  return ticksUsed / clockTicks();
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function linkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** Machine-wide busy CPU seconds so far (all processes: the client and every host's sshd). */
export function machineCpuSeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / clockTicks();
}
