import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { serialiseRecord } from '../../core/audit/audit-chain.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { describeError } from '../../core/opsgate-error.ts';
import type { AuditLog } from '../../core/ports/audit.ts';
import { openAuditLog } from '../main.ts';

/** What `opsgate audit` was asked: export a site's (or a run's) records, or verify a site's chain. */
export type AuditRequest =
  | { readonly verb: 'export'; readonly site: string; readonly run?: string; readonly out?: string }
  | { readonly verb: 'verify'; readonly site: string };

/**
 * Runs `opsgate audit export|verify` on the configured Redis; throws `CliExit` unless it succeeded. Kept apart from
 * the commands' declarations so that only running one opens Redis.
 */
export async function runAudit(req: AuditRequest): Promise<void> {
  await withAuditLog(req.verb, (log) => (req.verb === 'export' ? exportRecords(log, req) : verifyTrail(log, req.site)));
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
