import type { ApprovalPolicy } from '../ports/gates.ts';
import { hostsInGroup } from './resolve-targets.ts';
import type { DocPath } from './site-problem.ts';
import type { SiteFile } from './site-schema.ts';
import { type StartPolicy, toApprovalPolicy } from './to-approval-policy.ts';

/**
 * A site, resolved once per process from its validated site file: the one shape every layer takes, from the
 * chat handlers to the engine, the runbooks and the runners' wiring. Secrets stay references (in `spec`); the
 * SSH and SQL adapters get their own small option types, resolved from it by the wiring.
 */
export interface Site {
  readonly name: string;
  /** The only Slack channel (id) from which the site's runs may be driven. */
  readonly channel: string;
  /** Host names as the site file spells them (what `RemoteSession.exec` takes). */
  readonly hosts: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Its OceanBase clusters: the SQL targets of its steps and the clusters `/precheck … ob <cluster>` takes. */
  readonly obClusters: readonly string[];
  /** Who may decide the site's gates. */
  readonly policy: ApprovalPolicy;
  /** Who may start runs. */
  readonly starters: StartPolicy;
  /** The site scripts its manual tool (the lab's ADM stand-in): manual steps run their stand-in commands. */
  readonly manualScripted: boolean;
  /** The whole validated site file, for runbooks that need middleware details; absent for sites built in code. */
  readonly spec?: SiteFile;
  /** The absolute directory of the site file, against which its relative paths (packages) resolve. */
  readonly baseDir?: string;
  /** Where the site file is and the line of each of its nodes: what a finding about the file points a person to. */
  readonly source?: SiteSource;
}

/** The site file a site was read from: its path as given and the line of a node (the nearest that exists). */
export interface SiteSource {
  readonly file: string;
  lineOf(path: DocPath): number;
}

/** Looks sites up by name: the directory the wiring builds once, at start. */
export interface SiteDirectory {
  get(name: string): Site | undefined;
  list(): readonly Site[];
}

/** The site of a validated site file (read from `baseDir`, and `source` giving its lines, when it came from a file). */
export function toSite(spec: SiteFile, baseDir?: string, source?: SiteSource): Site {
  const groupNames = new Set([...Object.keys(spec.groups), ...spec.hosts.flatMap((h) => h.groups)]);
  return {
    name: spec.id,
    channel: spec.slack.channel,
    hosts: spec.hosts.map((h) => h.name),
    groups: Object.fromEntries([...groupNames].map((g) => [g, hostsInGroup(spec, g).map((h) => h.name)])),
    obClusters: spec.oceanbase.map((ob) => ob.name),
    policy: toApprovalPolicy(spec.policy),
    starters: { users: [...new Set(spec.policy.starters.users)], groups: [...new Set(spec.policy.starters.groups)] },
    manualScripted: spec.adm.mode === 'scripted',
    spec,
    ...(baseDir !== undefined ? { baseDir } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}

/** A directory over a fixed list of sites. */
export function siteDirectory(sites: readonly Site[]): SiteDirectory {
  const byName = new Map(sites.map((s) => [s.name, s]));
  return { get: (name) => byName.get(name), list: () => [...byName.values()] };
}
