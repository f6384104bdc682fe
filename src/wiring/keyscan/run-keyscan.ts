import { createInterface } from 'node:readline/promises';
import { listSiteFiles, loadSiteFiles } from '../../adapters/files/load-sites.ts';
import { OpsgateError } from '../../core/opsgate-error.ts';
import { formatSiteProblem } from '../../core/sites/site-problem.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { KEYSCAN_EXIT, keyscanSite } from './keyscan-site.ts';

/**
 * `opsgate sites keyscan <site>` from the command line: finds the site's file in OPSGATE_SITES (else sites/), scans,
 * and asks on the terminal (stdin and stdout must both be one) unless `--yes`. Returns the exit code.
 */
export async function runKeyscan(siteId: string, opts: { yes: boolean; replace: readonly string[] }): Promise<number> {
  const env = readEnv();
  const parsed = ConfigSchema.pick({ OPSGATE_SITES: true }).safeParse(env);
  const dir = parsed.success ? parsed.data.OPSGATE_SITES : 'sites';
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const files = await listSiteFiles(dir).catch(() => undefined);
  if (files === undefined) {
    out(`opsgate sites keyscan: cannot read the site directory ${dir}`);
    return KEYSCAN_EXIT.unreachable;
  }
  // Secrets are not checked here: the known_hosts file this command writes need not exist yet.
  const { loaded, problems } = await loadSiteFiles(files, { env, checkSecrets: false });
  const site = loaded.find((l) => l.site.id === siteId);
  if (site === undefined) {
    const mine = problems.filter((p) => p.file.endsWith(`/${siteId}.yml`) || p.file.endsWith(`/${siteId}.yaml`));
    for (const p of mine) out(formatSiteProblem(p));
    const valid = loaded.map((l) => l.site.id).join(', ') || '(none)';
    out(`opsgate sites keyscan: no valid site ${JSON.stringify(siteId)} in ${dir} (valid sites: ${valid})`);
    return KEYSCAN_EXIT.refused;
  }
  try {
    return await keyscanSite(site, { env, out, confirm: askOnTerminal, yes: opts.yes, replace: opts.replace });
  } catch (e) {
    // A credential that cannot be read, a file that cannot be written: named, never a stack trace or a secret.
    out(`opsgate sites keyscan: ${e instanceof OpsgateError || e instanceof Error ? e.message : String(e)}`);
    return KEYSCAN_EXIT.unreachable;
  }
}

/** A yes/no question on the terminal; without one, the answer is no (scripts give --yes). */
async function askOnTerminal(question: string): Promise<boolean> {
  if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
    process.stdout.write(`${question} (no terminal to ask on: answered no)\n`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
