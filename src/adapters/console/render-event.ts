import type { ProbeFinding } from '../../core/plan/probes.ts';
import type { EngineEvent, OutputSummary } from '../../core/ports/events.ts';
import { describeSqlRecord } from '../../core/plan/describe-sql.ts';
import type { HostRecord } from '../../core/plan/run-state.ts';
import { assertNever } from '../../core/result.ts';
import { clean } from './clean.ts';
import { gateLines } from './gate-lines.ts';
import { foldHosts } from '../../core/plan/host-set.ts';

/** Kept here too: the console's modules have always taken it from this one. */
export { clean } from './clean.ts';

/** How a gate is shown: with its console number and the answers typed as `N choice`, or plainly. */
export interface RenderOptions {
  /** The number a person types to answer this gate (console); without it no answer line is printed. */
  readonly gateNumber?: (gateId: string) => number | undefined;
  /** Who reads the console now: a requester under four eyes is not offered a gate's choices. */
  readonly viewer?: string;
  /** Most lines of an output tail shown per host (default 15). */
  readonly tailLines?: number;
}

const IND = '  ';

/**
 * One engine event as lines of a run's thread, for a terminal, in full (`/show`, `opsgate run --verbose`; the
 * compact view is `CompactRunView`): run lines flush left, step lines indented once, details twice. Every string from the event is stripped of control characters (output tails may hold
 * terminal escapes) and long ones are cut.
 */
export function renderEvent(e: EngineEvent, opts: RenderOptions = {}): string[] {
  const run = `${e.runId} (${clean(e.site)})`;
  switch (e.type) {
    case 'run.requested':
      return [`● ${run}: ${clean(e.runbook)} requested by ${clean(e.requester)}${e.dryRun ? ' (dry run)' : ''}`];
    case 'run.planned':
      return [
        `${IND}plan ${e.planHash.slice(0, 12)}: ${clean(e.title)}, ${e.steps.length} step(s)`,
        ...e.steps.map(
          (s, i) =>
            `${IND}${IND}${i + 1}. ${s.id} [${s.kind}${s.destructive ? ', destructive' : ''}] ${clean(s.title)}`,
        ),
      ];
    case 'run.refused':
      return [`✘ ${run} refused: ${clean(e.reason)}`];
    case 'run.stopped':
      return [
        `■ ${run} stopped at ${e.stepId}: ${clean(e.statusLine)}${e.rollbackOffered ? ` (roll it back with /rollback ${e.runId})` : ''}`,
      ];
    case 'run.finished':
      return [`■ ${run} ${e.outcome}: ${clean(e.statusLine)}`];
    case 'step.started':
      return [
        `${IND}▶ ${e.cleanup === true ? 'cleanup step' : e.phase === 'rollback' ? 'rollback step' : 'step'} ${e.stepId} (attempt ${e.attempt}) on ${foldHosts(e.targets.map(clean))}: ${clean(e.title)}`,
      ];
    case 'step.output-summary':
      return e.outputs.flatMap((o) => (o.progress === true ? progressLines(o.host, o.tail) : outputLines(o, opts)));
    case 'step.progress':
      // One line updated in place, not a line per event: drawn by `ProgressView`.
      return [];
    case 'step.finished':
      return [
        `${IND}${e.status === 'succeeded' ? '✔' : '✘'} ${e.stepId} ${e.status}${e.failedAt ? ` at ${e.failedAt}` : ''}: ${clean(e.summary)}`,
        ...e.hosts.map((h) => `${IND}${IND}${clean(h.host)}: ${hostOutcome(h)}`),
        ...probeLines(e.probes),
        ...e.findings.map(
          (f) =>
            `${IND}${IND}[${f.status}] ${clean(f.title)}${f.host ? ` on ${clean(f.host)}` : ''}: ${clean(f.evidence)}`,
        ),
      ];
    case 'step.interrupted':
      return [`${IND}⚠ ${e.stepId} interrupted: ${clean(e.summary)}`, ...probeLines(e.probes)];
    case 'gate.opened':
      return gateLines(e.gate, e.context, opts);
    case 'gate.decided':
      return [`${IND}✔ gate${number(e.gateId, opts)} of ${e.stepId}: ${e.choice} by ${clean(e.by)}`];
    case 'gate.expired':
      return [`${IND}✘ gate${number(e.gateId, opts)} of ${e.stepId} expired: counted as a rejection`];
    case 'rollback.started':
      return [
        `${IND}↩ rollback requested by ${clean(e.requestedBy)}: undoes ${e.covers.length > 0 ? e.covers.join(', ') : 'nothing'}`,
        ...e.irreversible.map(
          (i) => `${IND}${IND}${i.stepId} cannot be undone${i.reason ? `: ${clean(i.reason)}` : ''}`,
        ),
      ];
    case 'lock.stale':
      return [
        `⚠ site ${clean(e.site)}: stale lock of run ${e.holder.runId} by ${clean(e.holder.requester)}: ${clean(e.reason)}`,
      ];
    default:
      return assertNever(e, 'engine event');
  }
}

/** A command's output on one host: exit code, size, error, the end of it and where the whole of it is kept. */
function outputLines(o: OutputSummary, opts: RenderOptions): string[] {
  return [
    `${IND}${IND}${clean(o.host)}: exit ${o.exitCode ?? 'none'}, ${o.totalBytes} byte(s) of output${o.error ? `, error: ${clean(o.error)}` : ''}`,
    ...tail(o.tail, opts.tailLines ?? 15).map((l) => `${IND}${IND}${IND}| ${l}`),
    ...(o.artefact === undefined
      ? []
      : [
          `${IND}${IND}${IND}whole output (${o.artefact.bytes} bytes${o.artefact.capped ? ', capped' : ''}, until ${new Date(o.artefact.expiresAt).toISOString()}): redis-cli --raw GET ${clean(o.artefact.key)}`,
        ]),
  ];
}

/** A program's progress note: its text, not an output (it has no exit code and no size worth telling). */
function progressLines(host: string, text: string): string[] {
  return tail(text, 50).map((l) => `${IND}${IND}… ${clean(host)}: ${l}`);
}

/** What a step did on one host: a SQL target's statements, rows and server error, or a command's exit code. */
function hostOutcome(h: HostRecord): string {
  const error = h.error ? `, ${clean(h.error)}` : '';
  if (h.sql !== undefined) return `SQL: ${clean(describeSqlRecord(h.sql))} in ${h.durationMs} ms${error}`;
  return `exit ${h.exitCode ?? 'none'} in ${h.durationMs} ms${error}`;
}

function probeLines(probes: readonly ProbeFinding[]): string[] {
  return probes.map((p) => `${IND}${IND}${p.ok ? 'ok' : 'NOT ok'} ${clean(p.host)}: ${clean(p.evidence)}`);
}

function number(gateId: string, opts: RenderOptions): string {
  const n = opts.gateNumber?.(gateId);
  return n === undefined ? '' : ` [${n}]`;
}

function tail(text: string, max: number): string[] {
  const lines = text.replace(/\n$/, '').split('\n').map(clean);
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.length > max ? [`… ${lines.length - max} line(s) before`, ...lines.slice(-max)] : lines;
}
