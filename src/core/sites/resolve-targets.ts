import type { Host } from './host-schema.ts';
import type { SiteFile } from './site-schema.ts';

/** Hosts and groups by name, as steps and the PaaS section name their targets. */
export interface Targets {
  readonly hosts?: readonly string[] | undefined;
  readonly groups?: readonly string[] | undefined;
}

/** The hosts of a group: those listing it in their `groups`, plus those the top-level `groups` map adds. */
export function hostsInGroup(site: SiteFile, group: string): Host[] {
  const extra = new Set(site.groups[group] ?? []);
  return site.hosts.filter((h) => h.groups.includes(group) || extra.has(h.name));
}

/**
 * The hosts targets name, in file order, each once. Names are known to exist in a validated site; an unknown
 * one is a broken invariant and throws.
 */
export function resolveTargets(site: SiteFile, targets: Targets): Host[] {
  const wanted = new Set<string>();
  for (const name of targets.hosts ?? []) {
    if (!site.hosts.some((h) => h.name === name)) throw new Error(`site ${site.id} has no host named ${name}`);
    wanted.add(name);
  }
  for (const g of targets.groups ?? []) for (const h of hostsInGroup(site, g)) wanted.add(h.name);
  return site.hosts.filter((h) => wanted.has(h.name));
}
