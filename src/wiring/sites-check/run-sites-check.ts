import { ProgressView } from '../../adapters/console/progress-view.ts';
import { findSiteFile } from '../cli/find-site-file.ts';
import { readEnv } from '../config.ts';
import { CHECK_EXIT, checkSite, reportSiteCheck } from './check-site.ts';

/**
 * `opsgate sites check <site>` from the command line: finds the site's file in OPSGATE_SITES (else sites/), reads the
 * live site, prints one line per difference and a closing count with the time taken. Returns the exit code.
 */
export async function runSitesCheck(siteId: string): Promise<number> {
  const started = Date.now();
  const env = readEnv();
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const found = await findSiteFile('opsgate sites check', siteId, env, out);
  if (!found.ok) return CHECK_EXIT.unreachable;
  const site = found.site;
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
