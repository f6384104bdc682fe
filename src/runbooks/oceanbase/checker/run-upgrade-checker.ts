import type { SqlSession } from '../../../core/ports/sql.ts';
import { readClusterVersion, MIN_OBSERVER_VERSION_SQL } from './check-helpers.ts';
import {
  DEFAULT_CHECKER_OPTIONS,
  type CheckerOptions,
  type CheckIo,
  type ObCheck,
  type ObFinding,
  type QueryEvidence,
} from './ob-check.ts';
import { UPGRADE_CHECKS } from './upgrade-checker-checks.ts';
import { describeGate, gateAllows } from '../shared/version-gate.ts';

/** Everything the precheck found, with the failures in the script's order and wording. */
export interface UpgradeCheckerReport {
  readonly passed: boolean;
  readonly findings: readonly ObFinding[];
  /** Every failure message, in order, with the check that raised it. */
  readonly failures: readonly { readonly checkId: string; readonly message: string }[];
  /** The script's own line on failure (`upgrade checker failed with N reasons: [...] , [...] `), or what passed. */
  readonly summary: string;
}

/** The script's exception text for a non-empty fail list. */
export function formatCheckerFailure(messages: readonly string[]): string {
  return `upgrade checker failed with ${messages.length} reasons: ${messages.map((m) => `[${m}] `).join(', ')}`;
}

/**
 * Runs the checks in order through the SQL port, collecting every failure instead of stopping at the first
 * (the script's `fail_list`). Gated checks read the cluster version first, as the script does, and are
 * reported skipped with their gate when it does not hold. A SQL or transport error is not a finding: it is
 * thrown (the adapter's coded error names the check), as the script aborts on one.
 */
export async function runUpgradeChecker(
  sql: SqlSession,
  options: Partial<CheckerOptions> = {},
  checks: readonly ObCheck[] = UPGRADE_CHECKS,
): Promise<UpgradeCheckerReport> {
  const opts: CheckerOptions = { ...DEFAULT_CHECKER_OPTIONS, ...options };
  const findings: ObFinding[] = [];
  for (const check of checks) findings.push(await runOne(sql, check, opts));
  const failures = findings.flatMap((f) =>
    f.status === 'fail' ? f.messages.map((message) => ({ checkId: f.checkId, message })) : [],
  );
  const ran = findings.filter((f) => f.status === 'pass' || f.status === 'warn').length;
  const skipped = findings.filter((f) => f.status === 'skipped').length;
  return {
    passed: failures.length === 0,
    findings,
    failures,
    summary:
      failures.length > 0
        ? formatCheckerFailure(failures.map((f) => f.message))
        : `upgrade checker passed: ${ran} checks passed, ${skipped} skipped by their version gate`,
  };
}

async function runOne(sql: SqlSession, check: ObCheck, options: CheckerOptions): Promise<ObFinding> {
  const evidence: QueryEvidence[] = [];
  const fails: string[] = [];
  const warns: string[] = [];
  const io: CheckIo = {
    options,
    async query(statement) {
      const res = await sql.query(statement, {
        label: check.id,
        ...(options.timeoutSeconds > 0 ? { timeoutMs: options.timeoutSeconds * 1000 } : {}),
      });
      evidence.push({
        sql: statement,
        rowCount: res.rows.length,
        ...(res.rows[0] === undefined ? {} : { firstRow: res.rows[0] }),
      });
      return res.rows;
    },
    fail: (m) => void fails.push(m),
    warn: (m) => void warns.push(m),
  };
  const base = { checkId: check.id, fn: check.fn, title: check.title, evidence };
  let version;
  if (check.gate !== undefined) {
    version = await readClusterVersion(io, check.versionSql ?? MIN_OBSERVER_VERSION_SQL);
    if (version !== undefined && !gateAllows(check.gate, version)) {
      return { ...base, status: 'skipped', gate: describeGate(check.gate), clusterVersion: version.text };
    }
  }
  if (fails.length === 0) await check.run(io, version);
  if (fails.length > 0) return { ...base, status: 'fail', messages: fails, notes: warns };
  if (warns.length > 0) return { ...base, status: 'warn', messages: warns, notes: [] };
  return { ...base, status: 'pass', notes: [] };
}
