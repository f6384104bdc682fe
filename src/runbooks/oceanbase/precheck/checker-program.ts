import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { ObFinding } from '../checker/ob-check.ts';
import { renderCheckerReport, skipReason } from '../checker/render-checker-report.ts';
import { runUpgradeChecker } from '../checker/run-upgrade-checker.ts';
import { UPGRADE_CHECKS } from '../checker/upgrade-checker-checks.ts';
import { cpuArchFoundBy } from './cpu-arch-probe.ts';
import { assertNever } from '../../../core/result.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { requireSql } from '../shared/require-sql.ts';

/** Program id of the upgrade_checker.py checks. */
export const CHECKER_PROGRAM = 'ob-precheck.upgrade-checker';

/** The script's options a plan may set (the cluster version is always read from the cluster). */
export const CheckerArgsSchema = z.object({
  oldVersion: z
    .string()
    .regex(/^\d+(\.\d+){3}$/)
    .optional(),
  /** `-C` as given; absent: what the step `cpuArchStep` of the run found on the observer hosts, else `unknown`. */
  cpuArch: z.enum(['avx2', 'avx2_not_support', 'unknown']).optional(),
  cpuArchStep: z.string().min(1).optional(),
});

/** How often a check still running is said in the thread. */
const PROGRESS_EVERY_MS = 15_000;

/**
 * Runs every check of upgrade_checker.py 4.3.5.5 over the sys tenant and returns one finding per check: every
 * failure with the script's messages (all of them, not the first), every pass with what it checked, the whole
 * report attached as a file.
 */
export const checkerProgram: StepProgram = async (ctx, rawArgs) => {
  const args = CheckerArgsSchema.parse(rawArgs);
  const found = args.cpuArchStep === undefined ? undefined : cpuArchFoundBy(ctx.run, args.cpuArchStep);
  const cpuArch = args.cpuArch ?? found ?? 'unknown';
  await ctx.progress(
    `running the 27 checks of upgrade_checker.py 4.3.5.5 against the sys tenant (-C ${cpuArch}; ` +
      'the zlib table and MDS tablet scans may take up to 1000 s each, the tablet compaction scan up to 2000 s)',
  );
  const report = await runUpgradeChecker(
    requireSql(ctx),
    { ...(args.oldVersion !== undefined ? { oldVersion: args.oldVersion } : {}), cpuArch },
    UPGRADE_CHECKS,
    { clock: ctx.clock, sleep: ctx.sleep, everyMs: PROGRESS_EVERY_MS, say: (text) => ctx.progress(text) },
  );
  const findings = report.findings.map(toFinding);
  const summary: Finding = {
    status: report.passed ? 'pass' : 'fail',
    title: 'upgrade_checker.py 4.3.5.5',
    evidence: report.summary,
    attachment: { name: 'upgrade-checker.txt', mimeType: 'text/plain', text: renderCheckerReport(report) },
  };
  return [summary, ...findings];
};

function toFinding(f: ObFinding): Finding {
  const title = `${f.fn}: ${f.title}`;
  switch (f.status) {
    case 'pass':
      return {
        status: 'pass',
        title,
        evidence: `checked with ${f.evidence.length} statement(s): ${f.evidence.map((e) => `${e.sql} (${e.rowCount} rows)`).join(' | ')}`,
      };
    case 'fail':
      return { status: 'fail', title, evidence: f.messages.join('; ') };
    case 'warn':
      return { status: 'warn', title, evidence: f.messages.join('; ') };
    case 'skipped':
      return { status: 'skipped', title, evidence: skipReason(f) };
    default:
      return assertNever(f, 'checker finding');
  }
}
