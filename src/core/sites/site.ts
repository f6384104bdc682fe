import type { ApprovalPolicy } from '../ports/gates.ts';
import { hostsInGroup } from './resolve-targets.ts';
import type { Site } from './site-schema.ts';
import { toApprovalPolicy } from './to-approval-policy.ts';

/**
 * What the engine needs of a site, taken from the validated site file. Kept small so that the engine and its
 * tests do not depend on the whole site-file schema; runbooks that need more read `spec`.
 */
export interface EngineSite {
  readonly name: string;
  /** Host names as the site file spells them (what RemoteSession.exec takes). */
  readonly hosts: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Names of the site's SQL endpoints (its OceanBase clusters). */
  readonly sqlTargets: readonly string[];
  /** Who may decide this site's gates. */
  readonly policy: ApprovalPolicy;
  /** The site scripts its manual tool (the lab's ADM stand-in): manual steps run their stand-in commands. */
  readonly manualScripted: boolean;
  /** The whole validated site file, for runbooks that need middleware details. */
  readonly spec?: Site;
  /** The directory of the site file, against which its relative paths (packages) resolve. */
  readonly baseDir?: string;
}

/** Looks sites up by name. */
export interface SiteDirectory {
  get(name: string): EngineSite | undefined;
  list(): readonly EngineSite[];
}

/** The engine's view of a validated site file. */
export function toEngineSite(site: Site, baseDir?: string): EngineSite {
  const groupNames = new Set([...Object.keys(site.groups), ...site.hosts.flatMap((h) => h.groups)]);
  return {
    name: site.id,
    hosts: site.hosts.map((h) => h.name),
    groups: Object.fromEntries([...groupNames].map((g) => [g, hostsInGroup(site, g).map((h) => h.name)])),
    sqlTargets: site.oceanbase.map((ob) => ob.name),
    policy: toApprovalPolicy(site.policy),
    manualScripted: site.adm.mode === 'scripted',
    spec: site,
    ...(baseDir !== undefined ? { baseDir } : {}),
  };
}

/** A directory over a fixed list of sites. */
export function siteDirectory(sites: readonly EngineSite[]): SiteDirectory {
  const byName = new Map(sites.map((s) => [s.name, s]));
  return { get: (name) => byName.get(name), list: () => [...byName.values()] };
}
