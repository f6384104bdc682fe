import type { LoadedSite } from '../../adapters/files/load-site.ts';
import { listSiteFiles, loadSiteFiles } from '../../adapters/files/load-sites.ts';
import type { Env } from '../../core/sites/secret-ref.ts';
import { formatSiteProblem } from '../../core/sites/site-problem.ts';
import { ConfigSchema } from '../config.ts';

/** The site file found, or why there is none: the directory cannot be read, or holds no valid file of that site. */
export type FoundSite =
  { readonly ok: true; readonly site: LoadedSite } | { readonly ok: false; readonly why: 'no-directory' | 'no-site' };

/**
 * The site file of `siteId` in OPSGATE_SITES (else sites/), for the `sites` subcommands that read a live site.
 * Secrets are not checked (a known_hosts file may not exist yet); the subcommand reads what it needs. When there is
 * no such valid file, prints (through `out`, prefixed with `command`) that file's problems and the valid site ids.
 */
export async function findSiteFile(
  command: string,
  siteId: string,
  env: Env,
  out: (line: string) => void,
): Promise<FoundSite> {
  const parsed = ConfigSchema.pick({ OPSGATE_SITES: true }).safeParse(env);
  const dir = parsed.success ? parsed.data.OPSGATE_SITES : 'sites';
  const files = await listSiteFiles(dir).catch(() => undefined);
  if (files === undefined) {
    out(`${command}: cannot read the site directory ${dir}`);
    return { ok: false, why: 'no-directory' };
  }
  const { loaded, problems } = await loadSiteFiles(files, { env, checkSecrets: false });
  const site = loaded.find((l) => l.site.id === siteId);
  if (site !== undefined) return { ok: true, site };
  const mine = problems.filter((p) => p.file.endsWith(`/${siteId}.yml`) || p.file.endsWith(`/${siteId}.yaml`));
  for (const p of mine) out(formatSiteProblem(p));
  const valid = loaded.map((l) => l.site.id).join(', ') || '(none)';
  out(`${command}: no valid site ${JSON.stringify(siteId)} in ${dir} (valid sites: ${valid})`);
  return { ok: false, why: 'no-site' };
}
