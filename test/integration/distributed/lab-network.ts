import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import type { LabInfo } from '../../../src/wiring/lab/index.ts';

/**
 * Network namespaces for the distributed test: a "site" namespace plugged into the lab bridge (like a worker
 * host inside the customer's network) and an "office" namespace linked only to the machine's root namespace
 * (like the bot's host: it reaches Redis, never the site). Root only; every name carries the lab prefix.
 */

const run = promisify(execFile);

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/** A namespace made for the test; `remove` deletes it and its veth. */
export interface TestNamespace {
  readonly name: string;
  /** The namespace's own address. */
  readonly address: string;
  /** The address Redis must listen on for this namespace to reach it (the root namespace's side). */
  readonly redisHost: string;
  remove(): Promise<void>;
}

/**
 * A new namespace `<prefix>-<suffix>` (any old one removed) with one end of a veth pair inside it; returns the names.
 */
async function freshWithVeth(lab: LabInfo, suffix: string): Promise<{ name: string; rootVeth: string; inner: string }> {
  const name = `${lab.prefix}-${suffix}`;
  const rootVeth = `${lab.prefix}${suffix}0`;
  const inner = `${lab.prefix}${suffix}1`;
  await ip('netns', 'del', name).catch(() => undefined);
  await ip('link', 'del', rootVeth).catch(() => undefined);
  await ip('netns', 'add', name);
  await ip('-n', name, 'link', 'set', 'lo', 'up');
  await ip('link', 'add', rootVeth, 'type', 'veth', 'peer', 'name', inner);
  await ip('link', 'set', inner, 'netns', name);
  return { name, rootVeth, inner };
}

/** A namespace on the lab bridge at `<net>.<octet>`; it reaches Redis at the bridge address `<net>.1`. */
export async function siteNamespace(lab: LabInfo, suffix: string, octet: number): Promise<TestNamespace> {
  const { name, rootVeth, inner } = await freshWithVeth(lab, suffix);
  await ip('link', 'set', rootVeth, 'master', `${lab.prefix}br0`);
  await ip('link', 'set', rootVeth, 'up');
  const address = `${lab.net}.${octet}`;
  await ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', inner);
  await ip('-n', name, 'link', 'set', inner, 'up');
  return { name, address, redisHost: `${lab.net}.1`, remove: () => removeNs(name, rootVeth) };
}

/**
 * A namespace linked only to the root namespace by a /30 (`169.254.<x>.1` root side, `.2` inside): no route to the lab.
 */
export async function officeNamespace(lab: LabInfo, suffix: string, x: number): Promise<TestNamespace> {
  const { name, rootVeth, inner } = await freshWithVeth(lab, suffix);
  await ip('addr', 'add', `169.254.${x}.1/30`, 'dev', rootVeth);
  await ip('link', 'set', rootVeth, 'up');
  await ip('-n', name, 'addr', 'add', `169.254.${x}.2/30`, 'dev', inner);
  await ip('-n', name, 'link', 'set', inner, 'up');
  return { name, address: `169.254.${x}.2`, redisHost: `169.254.${x}.1`, remove: () => removeNs(name, rootVeth) };
}

async function removeNs(name: string, rootVeth: string): Promise<void> {
  await ip('link', 'del', rootVeth).catch(() => undefined);
  await ip('netns', 'del', name).catch(() => undefined);
}

/** Runs argv inside the namespace, with pipes. */
export function spawnIn(
  ns: TestNamespace,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcessWithoutNullStreams {
  return spawn('ip', ['netns', 'exec', ns.name, ...argv], { env });
}

/** Whether a TCP connection to host:port can be opened from inside the namespace (bash's /dev/tcp, 3 s). */
export async function canConnect(ns: TestNamespace, host: string, port: number): Promise<boolean> {
  try {
    await run('ip', ['netns', 'exec', ns.name, 'timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`]);
    return true;
  } catch {
    return false;
  }
}
