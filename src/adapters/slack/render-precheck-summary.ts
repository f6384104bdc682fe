import type { RunView, StepView } from '../../core/ports/views.ts';
import { fallbackText, LIMITS, safePlain, safeText } from './block-limits.ts';
import { cell, context, section, type Block, type SlackMessage, type TableBlock } from './blocks.ts';

/** The runbooks whose end gets the summary table: the Xizang precheck and the OceanBase one. */
const PRECHECK = /(^|-)precheck$/;

/** A title cell's length: long enough to tell checks apart, short enough for a narrow Slack column. */
const TITLE = 70;

const COLUMNS = ['check', 'pass', 'warn', 'fail', 'manual', 'skipped', 'did not hold'] as const;

/** The row's mark: the worst of its findings (a failed step without findings is a failure). */
function mark(s: StepView): string {
  const t = s.tally;
  if (s.state === 'failed' || (t?.fail ?? 0) > 0) return '❌';
  if ((t?.warn ?? 0) > 0) return '⚠️';
  if ((t?.manual ?? 0) > 0) return '✋';
  if (s.state === 'pending' || s.state === 'running' || s.state === 'waiting-approval') return '⏸';
  return '✅';
}

function count(n: number | undefined): string {
  return n === undefined || n === 0 ? '·' : String(n);
}

function row(s: StepView): ReturnType<typeof cell>[] {
  const t = s.tally;
  const notHeld =
    t === undefined
      ? s.state === 'failed'
        ? 'the step failed before it judged anything'
        : s.state === 'done'
          ? ''
          : 'not run'
      : t.notHeld.join('; ');
  return [
    cell(safePlain(`${mark(s)} ${s.title}`, TITLE)),
    cell(count(t?.pass)),
    cell(count(t?.warn)),
    cell(count(t?.fail)),
    cell(count(t?.manual)),
    cell(count(t?.skipped)),
    cell(notHeld === '' ? '·' : safePlain(notHeld, 300)),
  ];
}

/**
 * The precheck's one-glance summary, posted in its thread when the run ends: a Block Kit table of checks ×
 * status (counts of findings passed, warned, failed, left to a person, skipped, and the first that did not
 * hold), under one line of totals. Chosen over a table picture: Slack draws it natively (dark mode, narrow
 * screens, screen readers, copyable text) and it needs no upload. Undefined for any other runbook, or a
 * precheck without a check step. Within Block Kit's limits for any run: the checks that do not fit are counted.
 */
export function renderPrecheckSummary(run: RunView): SlackMessage | undefined {
  if (!PRECHECK.test(run.runbook ?? '')) return undefined;
  const checks = run.steps.filter((s) => s.kind === 'check');
  if (checks.length === 0) return undefined;
  const by = (m: string) => checks.filter((s) => mark(s) === m).length;
  const totals =
    `${checks.length} checks: ${by('✅')} held, ${by('⚠️')} with warnings, ${by('❌')} failed` +
    (by('✋') > 0 ? `, ${by('✋')} for a person to judge` : '') +
    (by('⏸') > 0 ? `, ${by('⏸')} not run` : '');
  // Rows while they fit both the table's 100 rows and the message's text budget (the section and a note aside).
  let budget = LIMITS.totalBlockText - 600;
  const rows: ReturnType<typeof row>[] = [];
  for (const s of checks) {
    const r = row(s);
    const n = r.reduce((m, c) => m + c.text.length, 0);
    if (rows.length >= LIMITS.tableRows - 1 || n > budget) break;
    rows.push(r);
    budget -= n;
  }
  const table: TableBlock = {
    type: 'table',
    rows: [COLUMNS.map((c) => cell(c)), ...rows],
    column_settings: [
      { is_wrapped: true },
      { align: 'right' },
      { align: 'right' },
      { align: 'right' },
      { align: 'right' },
      { align: 'right' },
      { is_wrapped: true },
    ],
  };
  const more = checks.length - rows.length;
  const blocks: Block[] = [
    section(safeText(`*Precheck summary* — ${run.site}: ${totals}`, LIMITS.sectionText)),
    table,
    ...(more > 0 ? [context(`… and ${more} more checks: see the step replies above`)] : []),
  ];
  return { text: fallbackText(`Precheck summary, ${run.site}: ${totals}`), blocks, truncated: more > 0 };
}
