import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { serialiseRecord } from '../../core/audit/audit-chain.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { describeError } from '../../core/opsgate-error.ts';
import type { AuditLog } from '../../core/ports/audit.ts';
import { openAuditLog } from '../main.ts';

/** `opsgate audit export|verify`: the audit trail of a site as JSON lines, and a check of its hash chain. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail of a site');
  audit
    .command('export')
    .description('write the audit records of a site (or of one run) as JSON lines, in order')
    .requiredOption('--site <site>', 'site id')
    .option('--run <id>', 'only the records of this run')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { site: string; run?: string; out?: string }) => {
      await withAuditLog('export', (log) => exportRecords(log, opts));
    });
  audit
    .command('verify')
    .description('check the hash chain of a site; exit 0 with the count, 1 naming the first bad record')
    .requiredOption('--site <site>', 'site id')
    .action(async (opts: { site: string }) => {
      await withAuditLog('verify', (log) => verifyTrail(log, opts.site));
    });
}

async function exportRecords(log: AuditLog, opts: { site: string; run?: string; out?: string }): Promise<number> {
  const records = await log.read(opts.site, opts.run === undefined ? {} : { runId: opts.run });
  const what = opts.run === undefined ? `site ${opts.site}` : `run ${opts.run} of site ${opts.site}`;
  if (records.length === 0) {
    process.stderr.write(`opsgate audit export: no audit records for ${what}; nothing written\n`);
    return EXIT.failed;
  }
  const text = records.map((r) => `${serialiseRecord(r)}\n`).join('');
  if (opts.out === undefined) {
    process.stdout.write(text);
  } else {
    // Write beside the target and rename, so that a failure never leaves half an export under its name.
    const partial = `${opts.out}.${randomBytes(4).toString('hex')}.partial`;
    try {
      await writeFile(partial, text, { mode: 0o640 });
      await rename(partial, opts.out);
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
  }
  process.stderr.write(
    `exported ${records.length} audit record(s) of ${what}${opts.out === undefined ? '' : ` to ${opts.out}`}\n`,
  );
  return EXIT.ok;
}

async function verifyTrail(log: AuditLog, site: string): Promise<number> {
  const result = await log.verify(site);
  if (result.ok) {
    process.stdout.write(`audit trail of ${site} intact: ${result.count} record(s)\n`);
    return EXIT.ok;
  }
  const { seq, reason } = result.firstBad;
  process.stdout.write(
    `audit trail of ${site} NOT intact: first bad record seq ${seq}: ${reason} (${result.count} record(s) stored)\n`,
  );
  return EXIT.failed;
}

/**
 * Opens the audit log on the configured Redis (`openAuditLog`), runs `body`, disconnects, and turns a non-zero
 * outcome or an error into `CliExit`. Errors name where Redis is, never a password.
 */
async function withAuditLog(verb: string, body: (log: AuditLog) => Promise<number>): Promise<void> {
  const settings = {
    REDIS_URL: true,
    REDIS_SENTINELS: true,
    REDIS_SENTINEL_NAME: true,
    REDIS_SENTINEL_PASSWORD: true,
    REDIS_TLS_CA_FILE: true,
    OPSGATE_REDIS_PREFIX: true,
  } as const;
  const parsed = ConfigSchema.pick(settings).safeParse(readEnv());
  if (!parsed.success) {
    process.stderr.write(
      `opsgate audit ${verb}: bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    throw new CliExit(EXIT.usage);
  }
  let code: number;
  let opened: Awaited<ReturnType<typeof openAuditLog>> | undefined;
  try {
    opened = await openAuditLog(parsed.data);
    code = await body(opened.log);
  } catch (e) {
    process.stderr.write(`opsgate audit ${verb}: ${describeError(e)}\n`);
    code = EXIT.failed;
  } finally {
    opened?.close();
  }
  if (code !== EXIT.ok) throw new CliExit(code);
}
