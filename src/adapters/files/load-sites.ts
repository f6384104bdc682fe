import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../core/result.ts';
import { loadSite, type LoadedSite, type LoadSiteDeps } from './load-site.ts';
import type { SiteProblem } from '../../core/sites/site-problem.ts';

export interface LoadSitesDeps extends LoadSiteDeps {
  /** Lists the entries of a directory; injectable for tests. */
  readonly readDir?: (dir: string) => Promise<string[]>;
}

/** The site files of a directory: its `*.yml` and `*.yaml` entries, sorted, joined to `dir`. */
export async function listSiteFiles(
  dir: string,
  readDir: (dir: string) => Promise<string[]> = readdir,
): Promise<string[]> {
  const names = await readDir(dir);
  return names
    .filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
}

/** Every site file of a list: the valid ones, and the problems of the others and of clashing site ids. */
export async function loadSiteFiles(
  files: readonly string[],
  deps: LoadSiteDeps,
): Promise<{ readonly loaded: LoadedSite[]; readonly problems: SiteProblem[] }> {
  const loaded: LoadedSite[] = [];
  const problems: SiteProblem[] = [];
  for (const file of files) {
    const r = await loadSite(file, deps);
    if (r.ok) loaded.push(r.value);
    else problems.push(...r.error);
  }
  const clashes = duplicateSiteIds(loaded);
  return { loaded: loaded.filter((s) => !clashes.some((c) => c.file === s.file)), problems: [...problems, ...clashes] };
}

/**
 * Loads every site file of a directory. Succeeds only when all are valid and no two share a site id; the
 * error lists every problem of every file.
 */
export async function loadSites(dir: string, deps: LoadSitesDeps): Promise<Result<LoadedSite[], SiteProblem[]>> {
  const { loaded, problems } = await loadSiteFiles(await listSiteFiles(dir, deps.readDir), deps);
  return problems.length > 0 ? err(problems) : ok(loaded);
}

/** A problem for every site whose id an earlier file already uses (ids name the Slack commands' site). */
export function duplicateSiteIds(sites: readonly LoadedSite[]): SiteProblem[] {
  const first = new Map<string, string>();
  const problems: SiteProblem[] = [];
  for (const s of sites) {
    const other = first.get(s.site.id);
    if (other === undefined) first.set(s.site.id, s.file);
    else
      problems.push({
        file: s.file,
        line: s.lineOf(['id']),
        path: 'id',
        message: `duplicate site id "${s.site.id}" (also in ${other})`,
      });
  }
  return problems;
}
