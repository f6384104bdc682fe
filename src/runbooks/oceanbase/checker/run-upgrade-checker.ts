import type { Clock } from '../../../core/ports/clock.ts';
import type { SqlResult, SqlSession } from '../../../core/ports/sql.ts';
import { isOpsgateError } from '../../../core/opsgate-error.ts';
import { ObCheckTimeoutError } from './check-timeout-error.ts';
import { formatDurationMs, statementTimeoutMs } from './statement-timeout.ts';
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

/** How a long statement is shown while it runs: a line every `everyMs` naming the check and the time so far. */
export interface CheckerWatch {
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly everyMs: number;
  say(text: string): Promise<void>;
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
  watch?: CheckerWatch,
): Promise<UpgradeCheckerReport> {
  const opts: CheckerOptions = { ...DEFAULT_CHECKER_OPTIONS, ...options };
  const findings: ObFinding[] = [];
  for (const check of checks) findings.push(await runOne(sql, check, opts, watch));
  const failures = findings.flatMap((f) =>
    f.status === 'fail' ? f.messages.map((message) => ({ checkId: f.checkId, message })) : [],
  );
  const count = (status: ObFinding['status']): number => findings.filter((f) => f.status === status).length;
  return {
    passed: failures.length === 0,
    findings,
    failures,
    summary:
      failures.length > 0
        ? formatCheckerFailure(failures.map((f) => f.message))
        : `upgrade checker passed: ${passSummary(count('pass'), count('warn'), count('skipped'))}`,
  };
}

/** `24 passed, 2 warnings, 1 skipped (version gate does not hold)`: warnings and skips never count as passes. */
export function passSummary(passed: number, warnings: number, skipped: number): string {
  const skips = skipped === 0 ? '' : `, ${skipped} skipped (version gate does not hold)`;
  return `${passed} passed, ${warnings} warning${warnings === 1 ? '' : 's'}${skips}`;
}

async function runOne(
  sql: SqlSession,
  check: ObCheck,
  options: CheckerOptions,
  watch: CheckerWatch | undefined,
): Promise<ObFinding> {
  const evidence: QueryEvidence[] = [];
  const fails: string[] = [];
  const warns: string[] = [];
  const io: CheckIo = {
    options,
    async query(statement) {
      const timeoutMs = statementTimeoutMs(statement, {
        timeoutSeconds: options.timeoutSeconds,
        capMs: options.statementCapMs,
      });
      const running = sql.query(statement, { label: check.id, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      let res: SqlResult;
      try {
        res = await showWhileRunning(running, check, timeoutMs, watch);
      } catch (e) {
        throw asCheckTimeout(e, check, statement, timeoutMs);
      }
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

/**
 * Waits for a statement, saying every `watch.everyMs` which check is still running and for how long. Only
 * statements that may run longer than that are watched, and never past their own timeout (the session ends them
 * there), so a clock that only moves when slept on cannot make this spin.
 */
async function showWhileRunning(
  running: Promise<SqlResult>,
  check: ObCheck,
  timeoutMs: number | undefined,
  watch: CheckerWatch | undefined,
): Promise<SqlResult> {
  if (watch === undefined || timeoutMs === undefined || timeoutMs <= watch.everyMs) return running;
  const settled = running.then(
    () => true,
    () => true,
  );
  const started = watch.clock.now();
  for (;;) {
    const done = await Promise.race([settled, watch.sleep(watch.everyMs).then(() => false)]);
    const elapsedMs = watch.clock.now() - started;
    if (done || elapsedMs >= timeoutMs) return running;
    await watch.say(
      `check ${check.id} (${check.fn}) still running after ${Math.round(elapsedMs / 1000)} s (timeout ${formatDurationMs(timeoutMs)})`,
    );
  }
}

/** A statement timeout becomes the check's own timeout error; anything else passes through unchanged. */
function asCheckTimeout(e: unknown, check: ObCheck, statement: string, timeoutMs: number | undefined): unknown {
  if (!isOpsgateError(e) || e.code !== 'SQL_TIMEOUT') return e;
  const ms = timeoutMs ?? (typeof e.fields['timeoutMs'] === 'number' ? e.fields['timeoutMs'] : 0);
  return new ObCheckTimeoutError(check.id, check.fn, ms, statement, e);
}
