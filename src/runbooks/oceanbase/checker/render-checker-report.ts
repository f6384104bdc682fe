import { assertNever } from '../../../core/result.ts';
import type { ObFinding } from './ob-check.ts';
import type { UpgradeCheckerReport } from './run-upgrade-checker.ts';

/** One line per finding, for a thread reply or the console: what was checked and what it found. */
export function renderFinding(f: ObFinding): string {
  const head = `${f.fn}: ${f.title}`;
  switch (f.status) {
    case 'pass':
      return `PASS ${head}`;
    case 'fail':
      return `FAIL ${head}: ${f.messages.join('; ')}`;
    case 'warn':
      return `WARN ${head}: ${f.messages.join('; ')}`;
    case 'skipped':
      return `SKIP ${head}: ${skipReason(f)}`;
    default:
      return assertNever(f, 'finding');
  }
}

/** Why a check did not run: the version gate it needs and the cluster's version. */
export function skipReason(f: Extract<ObFinding, { status: 'skipped' }>): string {
  return `not run: it applies only when ${f.gate}; the cluster version is ${f.clusterVersion}`;
}

/** The whole report as text: the summary line first, then every check in the order it ran. */
export function renderCheckerReport(report: UpgradeCheckerReport): string {
  return [report.summary, ...report.findings.map(renderFinding)].join('\n');
}
