import type { Command } from 'commander';

/**
 * `opsgate audit export|verify`: the audit trail of a site as JSON lines, and a check of its hash chain. The work is
 * imported when a subcommand runs (run-audit.ts), so that `opsgate --help` does not load Redis.
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit trail of a site');
  audit
    .command('export')
    .description('write the audit records of a site (or of one run) as JSON lines, in order')
    .requiredOption('--site <site>', 'site id')
    .option('--run <id>', 'only the records of this run')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { site: string; run?: string; out?: string }) => {
      const { runAudit } = await import('./run-audit.ts');
      await runAudit({ verb: 'export', ...opts });
    });
  audit
    .command('verify')
    .description('check the hash chain of a site; exit 0 with the count, 1 naming the first bad record')
    .requiredOption('--site <site>', 'site id')
    .action(async (opts: { site: string }) => {
      const { runAudit } = await import('./run-audit.ts');
      await runAudit({ verb: 'verify', site: opts.site });
    });
}
