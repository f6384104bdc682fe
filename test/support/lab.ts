import { inject } from 'vitest';
import { labExec } from '../../src/wiring/lab/lab-exec.ts';
import { labUp } from '../../src/wiring/lab/lab-up.ts';
import { labLink } from '../../src/wiring/lab/lab-link.ts';
import type { LabHost, LabInfo } from '../../src/wiring/lab/read-lab-info.ts';
import type { LabScriptResult } from '../../src/wiring/lab/run-lab-script.ts';

/** The site lab the integration project's global setup brought up (test/support/lab-global-setup.ts). */
export function getLab(): LabInfo {
  return inject('lab');
}

/** A host of the lab by name; throws naming the known hosts when there is no such host. */
export function labHost(name: string): LabHost {
  const lab = getLab();
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no lab host '${name}' (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  return host;
}

/** Runs argv inside a lab host (nsenter, no ssh): for arranging and checking state behind the code under test. */
export function execOn(host: string, argv: readonly string[], input?: string): Promise<LabScriptResult> {
  return labExec(getLab().ref, host, argv, input === undefined ? {} : { input });
}

/** Unplugs a host from the lab bridge, or plugs it back in. */
export function linkHost(host: string, state: 'up' | 'down'): Promise<void> {
  return labLink(getLab().ref, host, state);
}

/** Arguments for the OpenSSH client that trust only the lab's known_hosts and use the lab's key. */
export function sshArgs(host: string): string[] {
  return ['-F', getLab().sshConfig, host];
}

/**
 * Makes sure the lab passes every health gate, rebuilding it when an earlier test file left it broken
 * (new keys and secrets at the same paths). Cheap when it is healthy: one round of gates.
 */
export async function ensureLabHealthy(): Promise<void> {
  const { ref, hosts } = getLab();
  // The same variants, host by host, so that a variant lab is rebuilt as it was and not as the default one.
  const variants = hosts.flatMap((h) => h.variants.map((v) => `${v}@${h.name}`));
  await labUp({ prefix: ref.prefix, net: ref.net, variants });
}
