import { listSiteFiles, loadSiteFiles } from '../../adapters/files/load-sites.ts';
import { ProgressView } from '../../adapters/console/progress-view.ts';
import { formatSiteProblem } from '../../core/sites/site-problem.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { CHECK_EXIT, checkSite, reportSiteCheck } from './check-site.ts';

/**
 * `opsgate sites check <site>` from the command line: finds the site's file in OPSGATE_SITES (else sites/), reads the
 * live site, prints one line per difference and a closing count with the time taken. Returns the exit code.
 */
export async function runSitesCheck(siteId: string): Promise<number> {
  const started = Date.now();
  const env = readEnv();
  const parsed = ConfigSchema.pick({ OPSGATE_SITES: true }).safeParse(env);
  const dir = parsed.success ? parsed.data.OPSGATE_SITES : 'sites';
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const files = await listSiteFiles(dir).catch(() => undefined);
  if (files === undefined) {
    out(`opsgate sites check: cannot read the site directory ${dir}`);
    return CHECK_EXIT.unreachable;
  }
  const { loaded, problems } = await loadSiteFiles(files, { env, checkSecrets: false });
  const site = loaded.find((l) => l.site.id === siteId);
  if (site === undefined) {
    const mine = problems.filter((p) => p.file.endsWith(`/${siteId}.yml`) || p.file.endsWith(`/${siteId}.yaml`));
    for (const p of mine) out(formatSiteProblem(p));
    const valid = loaded.map((l) => l.site.id).join(', ') || '(none)';
    out(`opsgate sites check: no valid site ${JSON.stringify(siteId)} in ${dir} (valid sites: ${valid})`);
    return CHECK_EXIT.unreachable;
  }
  // On stderr, so that stdout stays the report: one line redrawn in a terminal, a few plain lines elsewhere.
  const progress = new ProgressView(process.stderr, { plain: (l) => void process.stderr.write(`${l}\n`) });
  let last = { awaited: 'the site', lastValue: '' };
  const show = (awaited: string, lastValue: string, done?: true): void =>
    progress.show({
      type: 'step.progress',
      site: siteId,
      runId: 'sites-check',
      at: Date.now(),
      stepId: 'sites check',
      awaited,
      lastValue,
      elapsedMs: Date.now() - started,
      ...(done ? { done } : {}),
    });
  try {
    const result = await checkSite(site, env, (awaited, lastValue) => {
      last = { awaited, lastValue };
      show(awaited, lastValue);
    });
    show(last.awaited, `${result.differences.length} difference(s), ${result.unreachable.length} unreadable`, true);
    const { lines, code } = reportSiteCheck(result, siteId, Date.now() - started);
    for (const l of lines) out(l);
    return code;
  } catch (e) {
    // A credential that cannot be read, a known_hosts that cannot be parsed: named, never a stack trace or a secret.
    out(`opsgate sites check: ${e instanceof Error ? e.message : String(e)}`);
    return CHECK_EXIT.unreachable;
  }
}
