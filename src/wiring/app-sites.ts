import type { ChatSite } from '../core/ports/chat-engine.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import { toEngineSite, type EngineSite } from '../core/sites/site.ts';
import { OpsgateError } from '../core/opsgate-error.ts';
import type { LoadedSite } from '../adapters/files/load-site.ts';
import { loadSites } from '../adapters/files/load-sites.ts';
import { formatSiteProblem } from '../core/sites/site-problem.ts';
import type { Site } from '../core/sites/site-schema.ts';

/** The site files could not be loaded; `problems` are `FILE:LINE PATH: message` lines. */
export class SitesInvalidError extends OpsgateError {
  readonly code = 'SITES_INVALID';
  constructor(
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`the site files in ${dir} have ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, { fields: { dir, problems } });
  }
}

/** Every validated site, in the shapes each part needs. */
export interface AppSites {
  readonly loaded: readonly LoadedSite[];
  readonly byId: ReadonlyMap<string, Site>;
  readonly engine: readonly EngineSite[];
  readonly chat: readonly ChatSite[];
}

/** The chat layer's view of a site: its channel, its OceanBase clusters and approver groups. */
export function toChatSite(site: Site): ChatSite {
  return {
    id: site.id,
    channel: site.slack.channel,
    obClusters: site.oceanbase.map((ob) => ob.name),
    approverGroups: site.policy.approvers.groups,
    starterGroups: site.policy.starters.groups,
  };
}

/**
 * Loads and validates every site file of `dir` (secrets must resolve); throws `SitesInvalidError` listing every
 * problem, or when the directory holds no site at all.
 */
export async function loadAppSites(dir: string, env: Env): Promise<AppSites> {
  let r: Awaited<ReturnType<typeof loadSites>>;
  try {
    r = await loadSites(dir, { env });
  } catch (e) {
    throw new SitesInvalidError(dir, [`cannot read the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  if (!r.ok) throw new SitesInvalidError(dir, r.error.map(formatSiteProblem));
  if (r.value.length === 0) throw new SitesInvalidError(dir, ['no site file (*.yml) in the directory']);
  const sites = r.value.map((l) => l.site);
  return {
    loaded: r.value,
    byId: new Map(sites.map((s) => [s.id, s])),
    engine: r.value.map((l) => toEngineSite(l.site, l.baseDir)),
    chat: sites.map(toChatSite),
  };
}
