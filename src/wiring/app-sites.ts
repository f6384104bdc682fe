import { loadSites } from '../adapters/files/load-sites.ts';
import { OpsgateError } from '../core/opsgate-error.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import { siteDirectory, toSite, type SiteDirectory } from '../core/sites/site.ts';
import { formatSiteProblem } from '../core/sites/site-problem.ts';

/** The site files could not be loaded; `problems` are `FILE:LINE PATH: message` lines. */
export class SitesInvalidError extends OpsgateError {
  readonly code = 'SITES_INVALID';
  constructor(
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`the site files in ${dir} have ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, {
      fields: { dir, problems },
    });
  }
}

/**
 * Loads and validates every site file of `dir` (secrets must resolve) into the process's one site directory; throws `SitesInvalidError` listing every
 * problem, or when the directory holds no site at all.
 */
export async function loadAppSites(dir: string, env: Env): Promise<SiteDirectory> {
  let r: Awaited<ReturnType<typeof loadSites>>;
  try {
    r = await loadSites(dir, { env });
  } catch (e) {
    throw new SitesInvalidError(dir, [`cannot read the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  if (!r.ok) throw new SitesInvalidError(dir, r.error.map(formatSiteProblem));
  if (r.value.length === 0) throw new SitesInvalidError(dir, ['no site file (*.yml) in the directory']);
  return siteDirectory(r.value.map((l) => toSite(l.site, l.baseDir, { file: l.file, lineOf: l.lineOf })));
}
