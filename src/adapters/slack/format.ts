import type { GateChoice } from '../../core/ports/gates.ts';
import type { RunState, StepState } from '../../core/ports/views.ts';

/** `1.2 s`, `3 min 05 s`, `2 h 01 min`; `-` for an unknown duration. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A UTC time people can compare across sites: `2026-11-20 22:41:07 UTC`. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '-' : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Duration between two optional instants. */
export function spanOf(start: number | undefined, end: number | undefined): number | undefined {
  return start === undefined || end === undefined ? undefined : end - start;
}

/** How each step state reads in Slack. */
export const STEP_STATE_LABEL: Readonly<Record<StepState, string>> = {
  pending: ':white_circle: pending',
  'waiting-approval': ':hourglass_flowing_sand: waiting for approval',
  running: ':arrows_counterclockwise: running',
  done: ':white_check_mark: done',
  failed: ':x: failed',
  interrupted: ':warning: interrupted',
  'rolled-back': ':leftwards_arrow_with_hook: rolled back',
  skipped: ':fast_forward: skipped',
};

/** How each run state reads in Slack. */
export const RUN_STATE_LABEL: Readonly<Record<RunState, string>> = {
  planned: ':white_circle: planned',
  running: ':arrows_counterclockwise: running',
  waiting: ':hourglass_flowing_sand: waiting for a decision',
  succeeded: ':white_check_mark: succeeded',
  failed: ':x: failed',
  interrupted: ':warning: interrupted',
  'rolled-back': ':leftwards_arrow_with_hook: rolled back',
  aborted: ':no_entry: aborted',
  rejected: ':no_entry_sign: rejected',
  'dry-run': ':memo: dry run (plan only, nothing ran)',
};

/** How a decision reads after the fact: "Approved by …". */
export const CHOICE_PAST: Readonly<Record<GateChoice, string>> = {
  approve: ':white_check_mark: Approved',
  reject: ':no_entry_sign: Rejected',
  done: ':white_check_mark: Marked done (manual step)',
  retry: ':repeat: Retry chosen',
  'mark-done': ':ballot_box_with_check: Marked done',
  'roll-back': ':leftwards_arrow_with_hook: Roll back chosen',
  abort: ':no_entry: Aborted',
};
