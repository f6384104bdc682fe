import { describeSqlRecord } from '../../core/plan/describe-sql.ts';
import type { ProbeFinding } from '../../core/plan/probes.ts';
import type { Finding, HostRecord } from '../../core/plan/run-state.ts';
import type { EngineEvent, OutputSummary } from '../../core/ports/events.ts';
import { clean } from './clean.ts';
import { cutToWidth, fitWidth } from './fit-width.ts';
import { takeColumns, textColumns } from './text-columns.ts';
import { gateLines } from './gate-lines.ts';
import { renderEvent, type RenderOptions } from './render-event.ts';
import { hostsWithin } from '../../core/plan/host-set.ts';

/** How the compact view draws: the gate options of `renderEvent`, and the terminal's width. */
export interface CompactOptions extends RenderOptions {
  /** The terminal's columns: every line is wrapped to it. Without it lines are left as long as they are. */
  readonly width?: number;
}

/** What the view remembers of a step between its start and its end. */
interface StepSeen {
  readonly title: string;
  readonly targets: readonly string[];
  readonly startedAt: number;
  readonly phase: 'forward' | 'rollback' | 'cleanup';
  outputs: readonly OutputSummary[];
}

const IND = '  ';
/** Most lines of what did not hold under a step, and most hosts whose output tail is shown: a glance, not a log. */
const MAX_ATTENTION = 30;
const MAX_TAILS = 5;
/** Most of a failure gate's reason shown: the failed step's lines above it say what did not hold. */
const REASON_MAX = 300;
/** Most of a gate's command shown: `/show` prints it whole. */
const COMMAND_MAX = 2000;
const DETAIL = `${IND}${IND}${IND}`;

/**
 * A run's thread for a terminal, compact: one line per finished step (state, id, title, hosts, duration and how
 * many checks held) and under it only what needs a person: what did not hold, warnings, manual items, and a
 * failed host's output tail. Gates stand out with their commands and who may answer. `/show` and
 * `opsgate run --verbose` print everything instead (`renderEvent`). Keeps what a step's start and output said
 * until its end, so one view should see all the events of the runs it draws.
 */
export class CompactRunView {
  private readonly steps = new Map<string, StepSeen>();
  private readonly titles = new Map<string, string>();

  /** The lines for one event (often none: a step's start and output wait for its end). */
  render(e: EngineEvent, opts: CompactOptions = {}): string[] {
    return fitWidth(this.lines(e, opts), opts.width);
  }

  private lines(e: EngineEvent, opts: CompactOptions): string[] {
    const key = (stepId: string): string => `${e.runId} ${stepId}`;
    switch (e.type) {
      case 'run.planned': {
        for (const s of e.steps) this.titles.set(key(s.id), s.title);
        const ids = e.steps.map((s) => s.id);
        const shown = ids.length > 12 ? `${ids.slice(0, 12).join(', ')} … ${ids.at(-1) ?? ''}` : ids.join(', ');
        return [
          cutToWidth(
            `${IND}plan ${e.planHash.slice(0, 12)}: ${clean(e.title)}, ${e.steps.length} step(s)${ids.length > 0 ? `: ${shown}` : ''}`,
            opts.width,
          ),
        ];
      }
      case 'step.started':
        this.steps.set(key(e.stepId), {
          title: e.title,
          targets: e.targets,
          startedAt: e.at,
          phase: e.cleanup === true ? 'cleanup' : e.phase,
          outputs: [],
        });
        return [];
      case 'step.output-summary': {
        const seen = this.steps.get(key(e.stepId));
        const outputs = e.outputs.filter((o) => o.progress !== true);
        if (seen !== undefined) seen.outputs = [...seen.outputs, ...outputs];
        // A program's progress notes are not an output: they show as they come.
        const notes = e.outputs.filter((o) => o.progress === true);
        return notes.length === 0 ? [] : renderEvent({ ...e, outputs: notes }, opts);
      }
      case 'step.finished': {
        const seen = this.steps.get(key(e.stepId));
        this.steps.delete(key(e.stepId));
        return this.finished(e, seen, this.titles.get(key(e.stepId)), opts);
      }
      case 'gate.opened':
        return gateLines(e.gate, e.context, { ...opts, reasonMax: REASON_MAX, commandMax: COMMAND_MAX });
      case 'run.finished':
      case 'run.stopped':
      case 'run.refused':
        for (const k of [...this.steps.keys(), ...this.titles.keys()])
          if (k.startsWith(`${e.runId} `)) {
            this.steps.delete(k);
            this.titles.delete(k);
          }
        return renderEvent(e, opts);
      default:
        return renderEvent(e, opts);
    }
  }

  private finished(
    e: Extract<EngineEvent, { type: 'step.finished' }>,
    seen: StepSeen | undefined,
    plannedTitle: string | undefined,
    opts: CompactOptions,
  ): string[] {
    const ok = e.status === 'succeeded';
    const hosts = seen?.targets ?? e.hosts.map((h) => h.host);
    const ms = seen === undefined ? Math.max(0, ...e.hosts.map((h) => h.durationMs)) : e.at - seen.startedAt;
    const held = e.probes.filter((p) => p.ok).length + e.findings.filter((f) => f.status === 'pass').length;
    const notHeld = e.probes.filter((p) => !p.ok).length + e.findings.filter((f) => f.status === 'fail').length;
    const skipped = e.findings.filter((f) => f.status === 'skipped').length;
    const phase = seen?.phase === 'rollback' ? 'rollback ' : seen?.phase === 'cleanup' ? 'cleanup ' : '';
    const counts = [
      `${held} check(s) held`,
      ...(notHeld > 0 ? [`${notHeld} did not`] : []),
      ...(skipped > 0 ? [`${skipped} skipped`] : []),
    ].join(', ');
    const facts = [
      hostList(hosts),
      duration(ms),
      ...(ok ? [] : [`failed${e.failedAt ? ` at ${e.failedAt}` : ''}`]),
      counts,
    ].join(' · ');
    // A step that ran but found something (a precheck item that did not hold) is not shown as all well.
    const icon = !ok || notHeld > 0 ? '✘' : e.findings.some((f) => f.status === 'warn') ? '⚠' : '✔';
    const head = oneLine(
      `${IND}${icon} ${phase}${e.stepId}`,
      clean(seen?.title ?? plannedTitle ?? ''),
      facts,
      opts.width,
    );
    const failedHosts = e.hosts.filter((h) => !hostOk(h));
    const attention = [
      // The engine's summary lists what did not hold; the lines below say it one per line.
      ...(ok || e.summary === '' || notHeld > 0 ? [] : [`${DETAIL}${clean(e.summary)}`]),
      ...failedHosts.map((h) => `${DETAIL}✘ ${clean(h.host)}: ${hostOutcome(h)}`),
      ...e.probes.filter((p) => !p.ok).map(probeLine),
      ...e.findings.filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'manual').map(findingLine),
    ];
    const failedNames = new Set(failedHosts.map((h) => h.host));
    const outputs = ok ? [] : (seen?.outputs ?? []).filter((o) => failedNames.has(o.host) || failedNames.size === 0);
    const tails = outputs.slice(0, MAX_TAILS).flatMap((o) => tailLines(o, opts.tailLines ?? 15));
    const more = (n: number, what: string): string[] =>
      n > 0 ? [`${DETAIL}… ${n} more ${what}: /show ${e.runId} ${e.stepId}`] : [];
    return [
      head,
      ...attention.slice(0, MAX_ATTENTION),
      ...more(attention.length - MAX_ATTENTION, 'line(s)'),
      ...tails,
      ...more(outputs.length - MAX_TAILS, "host(s)' output"),
    ];
  }
}

/**
 * A step's line within the width: the title is shortened first (the id names the step), then the whole is cut,
 * so that a step stays one line however long its title.
 */
function oneLine(lead: string, title: string, facts: string, width: number | undefined): string {
  const whole = `${lead}${title === '' ? '' : ` ${title}`} · ${facts}`;
  if (width === undefined || textColumns(whole) <= width) return whole;
  const room = width - textColumns(lead) - textColumns(facts) - 4;
  const short = room >= 8 ? ` ${takeColumns(title, room - 1)}…` : '';
  return cutToWidth(`${lead}${short} · ${facts}`, width);
}

/** A step's hosts on its one line: folded into ranges, the first ones when even that is long. */
const hostList = (hosts: readonly string[]): string => hostsWithin(hosts.map(clean), 48);

/** A duration as people read it: 850 ms, 3.2 s, 4 min 05 s. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const hostOk = (h: HostRecord): boolean => h.error === undefined && h.exitCode === 0 && h.sql?.rejected === undefined;

function hostOutcome(h: HostRecord): string {
  const error = h.error ? `, ${clean(h.error)}` : '';
  if (h.sql !== undefined) return `SQL: ${clean(describeSqlRecord(h.sql))} in ${duration(h.durationMs)}${error}`;
  return `exit ${h.exitCode ?? 'none'} in ${duration(h.durationMs)}${error}`;
}

const probeLine = (p: ProbeFinding): string =>
  `${DETAIL}✘ did not hold on ${clean(p.host)}: ${clean(p.probe)}: ${clean(p.evidence)}`;

const FINDING_MARK = { fail: '✘', warn: '⚠', manual: '✋', pass: '✔', skipped: '–' } as const;

const findingLine = (f: Finding): string =>
  `${DETAIL}${FINDING_MARK[f.status]} [${f.status}] ${clean(f.title)}${f.host ? ` on ${clean(f.host)}` : ''}: ${clean(f.evidence)}`;

/** The end of a failed host's output, and where the whole of it is kept. */
function tailLines(o: OutputSummary, max: number): string[] {
  const lines = o.tail.replace(/\n$/, '').split('\n').map(clean);
  if (lines.length === 1 && lines[0] === '') return [];
  const shown = lines.slice(-max);
  return [
    `${DETAIL}${clean(o.host)}: the last ${shown.length} line(s) of ${o.totalBytes} byte(s) of output`,
    ...shown.map((l) => `${DETAIL}| ${l}`),
    ...(o.artefact === undefined ? [] : [`${DETAIL}whole output: redis-cli --raw GET ${clean(o.artefact.key)}`]),
  ];
}
