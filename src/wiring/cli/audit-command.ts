import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { serialiseRecord } from '../../core/audit/audit-chain.ts';
import { RedisAuditLog } from '../../adapters/redis/redis-audit-log.ts';
import { CliExit, EXIT } from '../cli.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { describeError } from '../../core/opsgate-error.ts';
import type { AuditLog } from '../../core/ports/audit.ts';

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
  process.stderr.write(`exported ${records.length} audit record(s) of ${what}${opts.out === undefined ? '' : ` to ${opts.out}`}\n`);
  return EXIT.ok;
}

async function verifyTrail(log: AuditLog, site: string): Promise<number> {
  const result = await log.verify(site);
  if (result.ok) {
    process.stdout.write(`audit trail of ${site} intact: ${result.count} record(s)\n`);
    return EXIT.ok;
  }
  const { seq, reason } = result.firstBad;
  process.stdout.write(`audit trail of ${site} NOT intact: first bad record seq ${seq}: ${reason} (${result.count} record(s) stored)\n`);
  return EXIT.failed;
}

/**
 * Connects to the configured Redis without endless reconnecting (a CLI should fail, not hang), runs `body`,
 * disconnects, and turns a non-zero outcome or an error into `CliExit`. The Redis URL may hold a password, so
 * only its host and port are ever printed.
 */
async function withAuditLog(verb: string, body: (log: AuditLog) => Promise<number>): Promise<void> {
  const parsed = ConfigSchema.pick({ REDIS_URL: true, OPSGATE_REDIS_PREFIX: true }).safeParse(readEnv());
  if (!parsed.success) {
    process.stderr.write(`opsgate audit ${verb}: bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
    throw new CliExit(EXIT.usage);
  }
  const { REDIS_URL: url, OPSGATE_REDIS_PREFIX: prefix } = parsed.data;
  const target = new URL(url);
  const where = `Redis at ${target.hostname}:${target.port || '6379'}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => {
    // Kept for the one message below; without a listener ioredis would also print it as unhandled.
    lastError = e;
  });
  let code: number;
  try {
    await redis.connect().catch((e: unknown) => {
      throw new Error(`cannot reach ${where}: ${(lastError ?? (e instanceof Error ? e : new Error(String(e)))).message}`);
    });
    code = await body(new RedisAuditLog({ redis, prefix }));
  } catch (e) {
    process.stderr.write(`opsgate audit ${verb}: ${describeError(e)}\n`);
    code = EXIT.failed;
  } finally {
    redis.disconnect();
  }
  if (code !== EXIT.ok) throw new CliExit(code);
}
