import type { HostFacts } from './host-facts.ts';

/** A host of the hosts file: its name, address and groups. */
export interface DiscoverHost {
  readonly name: string;
  readonly address: string;
  readonly groups: readonly string[];
}

/** What the drafting functions read: the hosts in file order and the facts of each host that could be read. */
export interface DiscoverInput {
  readonly hosts: readonly DiscoverHost[];
  readonly facts: ReadonlyMap<string, HostFacts>;
}

/** A site-file object as drafted (plain data, written out as YAML). */
export type Draft = Record<string, unknown>;

/** What a drafting function found: site-file objects, and notes for a person (written as YAML comments). */
export interface Drafted<T> {
  readonly value: T;
  readonly notes: string[];
}

/**
 * Fields of `middleware` that only a person can know, so a draft leaves them as placeholders and says so: the
 * instance names (opsgate's and PowerADM's), where ADM lays a component out after a redeploy, the secret
 * references (a draft proposes `{ env: … }` names, never a value), versions pinned by hand, and what the redeploy
 * adds (the new tracker, the download pair, spare hosts) or how long a drain waits.
 */
export const PERSON_ONLY_FIELDS = [
  'name',
  'admInstance',
  'admLayout',
  'password',
  'version',
  'newTracker',
  'download',
  'spares',
  'drainSeconds',
] as const;

/** The directory part of an absolute path, `levels` times (`/a/b/bin/x`, 2 → `/a/b`). */
export function parentOf(path: string, levels = 1): string {
  let p = path.replace(/\/+$/, '');
  for (let i = 0; i < levels; i++) p = p.slice(0, Math.max(p.lastIndexOf('/'), 1));
  return p === '' ? '/' : p;
}

/** A path without its trailing slashes (`/mysql/storage0/` → `/mysql/storage0`). */
export function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The host name of `address` in the hosts file (by its address, else by an address a host was seen holding). */
export function hostOfAddress(input: DiscoverInput, address: string): string | undefined {
  const byFile = input.hosts.find((h) => h.address === address);
  if (byFile !== undefined) return byFile.name;
  const holders = input.hosts.filter((h) => input.facts.get(h.name)?.addresses.includes(address));
  return holders.length === 1 ? holders[0]?.name : undefined;
}

/** The argument after `flag` in a command line (`-z zone1` → `zone1`). */
export function argAfter(args: string, flag: string): string | undefined {
  const words = args.split(/\s+/);
  const i = words.indexOf(flag);
  return i >= 0 ? words[i + 1] : undefined;
}
