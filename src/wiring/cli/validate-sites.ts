import { stat } from 'node:fs/promises';
import { EXIT } from './cli-exit.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import type { Env } from '../../core/sites/secret-ref.ts';
import type { LoadedSite } from '../../adapters/files/load-site.ts';
import { listSiteFiles, loadSiteFiles } from '../../adapters/files/load-sites.ts';
import { formatSiteProblem } from '../../core/sites/site-problem.ts';

function sitesDir(env: Env): string {
  const parsed = ConfigSchema.pick({ OPSGATE_SITES: true }).safeParse(env);
  return parsed.success ? parsed.data.OPSGATE_SITES : 'sites';
}

/**
 * `opsgate sites validate`: validates a file or every site file of a directory (default: `OPSGATE_SITES`, else
 * sites/), prints the outcome and returns the exit code.
 */
export async function validateSites(given: string | undefined, opts: { checkSecrets: boolean }): Promise<number> {
  const env = readEnv();
  const target = given ?? sitesDir(env);
  const deps = { env, checkSecrets: opts.checkSecrets };
  const files = await siteFiles(target);
  if (typeof files === 'string') {
    process.stderr.write(`opsgate sites validate: ${files}\n`);
    return EXIT.usage;
  }
  const { loaded, problems } = await loadSiteFiles(files, deps);
  for (const p of problems) process.stdout.write(`${formatSiteProblem(p)}\n`);
  for (const s of loaded) process.stdout.write(`${summary(s)}\n`);
  if (problems.length === 0) return EXIT.ok;
  const bad = new Set(problems.map((p) => p.file)).size;
  process.stdout.write(`${problems.length} problem(s) in ${bad} of ${files.length} site file(s)\n`);
  return EXIT.failed;
}

/** The site files to check, or why there are none (a usage error). */
async function siteFiles(target: string): Promise<string[] | string> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return `no such file or directory: ${target}`;
  if (info.isDirectory()) {
    const files = await listSiteFiles(target);
    return files.length > 0 ? files : `no site files (*.yml, *.yaml) in ${target}`;
  }
  if (!/\.ya?ml$/.test(target)) return `not a YAML site file (expected .yml or .yaml): ${target}`;
  return [target];
}

function summary({ file, site }: LoadedSite): string {
  const m = site.middleware;
  const instances =
    m.redis.length +
    m.csbRedis.length +
    m.redisClusters.length +
    m.redisProxies.length +
    m.kafka.length +
    m.fastdfs.length;
  const ob = site.oceanbase.length > 0 ? `, ${site.oceanbase.length} OceanBase cluster(s)` : '';
  return `${file}: ok, site ${site.id} (${site.name}): ${site.hosts.length} hosts, ${instances} middleware instance(s)${ob}, adm ${site.adm.mode}`;
}
