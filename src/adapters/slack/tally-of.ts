import type { Finding } from '../../core/plan/run-state.ts';
import type { FindingTally } from '../../core/ports/views.ts';

/** At most this many findings that did not hold are named in a tally (the step's reply lists them all). */
const NAMED = 3;

/**
 * A step's findings counted by status, naming the first failures then warnings: what the precheck summary
 * shows per check, kept small because it is saved with the run's thread.
 */
export function tallyOf(findings: readonly Finding[]): FindingTally {
  const count = (status: Finding['status']) => findings.filter((f) => f.status === status).length;
  const name = (f: Finding) => (f.host === undefined ? f.title : `${f.title} (${f.host})`).slice(0, 200);
  const notHeld = [...findings.filter((f) => f.status === 'fail'), ...findings.filter((f) => f.status === 'warn')]
    .slice(0, NAMED)
    .map(name);
  return {
    pass: count('pass'),
    warn: count('warn'),
    fail: count('fail'),
    manual: count('manual'),
    skipped: count('skipped'),
    notHeld,
  };
}
