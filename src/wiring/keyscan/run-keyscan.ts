import { createInterface } from 'node:readline/promises';
import { OpsgateError } from '../../core/opsgate-error.ts';
import { findSiteFile } from '../cli/find-site-file.ts';
import { readEnv } from '../config.ts';
import { KEYSCAN_EXIT, keyscanSite } from './keyscan-site.ts';

/**
 * `opsgate sites keyscan <site>` from the command line: finds the site's file in OPSGATE_SITES (else sites/), scans,
 * and asks on the terminal (stdin and stdout must both be one) unless `--yes`. Returns the exit code.
 */
export async function runKeyscan(siteId: string, opts: { yes: boolean; replace: readonly string[] }): Promise<number> {
  const env = readEnv();
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const found = await findSiteFile('opsgate sites keyscan', siteId, env, out);
  if (!found.ok) return found.why === 'no-directory' ? KEYSCAN_EXIT.unreachable : KEYSCAN_EXIT.refused;
  const site = found.site;
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
