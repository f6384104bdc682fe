import type { OutputArtefactRef } from '../../core/ports/artefacts.ts';
import type { EngineEvent, GateContext } from '../../core/ports/events.ts';
import type { Gate } from '../../core/ports/gates.ts';
import { assertNever } from '../../core/result.ts';
import type { GateView, RunState, StepResultView, StepState, StepView } from '../../core/ports/views.ts';
import type { RunThreadState } from '../../core/ports/run-thread-store.ts';
import { answerersOf } from '../../core/ports/answerers-of.ts';
import { tallyOf } from './tally-of.ts';

/** The state of a run first seen with event `e` (usually `run.requested`). */
export function newRunThreadState(e: EngineEvent): RunThreadState {
  return {
    run: {
      id: e.runId,
      site: e.site,
      title: 'run',
      requester: 'opsgate',
      state: 'planned',
      startedAt: e.at,
      steps: [],
    },
    dryRun: false,
    phases: new Map(),
    targets: new Map(),
    outputs: new Map(),
    gates: new Map(),
  };
}

function patchStep(s: RunThreadState, stepId: string, patch: Partial<StepView>, title?: string): StepView {
  const steps = [...s.run.steps];
  const i = steps.findIndex((x) => x.id === stepId);
  const base: StepView =
    i >= 0 ? (steps[i] as StepView) : { id: stepId, title: title ?? stepId, kind: 'action', state: 'pending' };
  const next = { ...base, ...patch };
  if (i >= 0) steps[i] = next;
  else steps.push(next);
  s.run = { ...s.run, steps };
  return next;
}

/** A gate as the Slack renderers draw it, from the engine's gate and the context sent with it. */
export function gateViewOf(gate: Gate, ctx: GateContext): GateView {
  return {
    id: gate.id,
    runId: gate.runId,
    site: gate.site,
    stepId: gate.stepId,
    stepTitle: ctx.stepTitle,
    kind: gate.kind,
    status: gate.status,
    planHash: gate.planHash,
    requester: gate.requester,
    choices: gate.choices,
    targets: ctx.targets,
    expiresAt: gate.expiresAt,
    ...(ctx.instructions === undefined ? {} : { instructions: ctx.instructions }),
    ...(ctx.parameters === undefined
      ? {}
      : { parameters: Object.entries(ctx.parameters).map(([name, value]) => ({ name, value })) }),
    ...(ctx.reason === undefined ? {} : { reason: ctx.reason }),
    ...(gate.decision === undefined ? {} : { decision: gate.decision }),
    answerers: answerersOf(gate),
  };
}

const OUTCOME_STATE: Readonly<Record<string, RunState>> = {
  completed: 'succeeded',
  rejected: 'rejected',
  aborted: 'aborted',
  'rolled-back': 'rolled-back',
  'dry-run': 'dry-run',
};

/** What the publisher must do in Slack after an event was applied to the state. */
export type ThreadEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'parent' }
  /**
   * A finished step's reply, the documents its findings produced and the whole output of each host whose
   * output was longer than the tail (stored by the worker), all uploaded into the thread.
   */
  | {
      readonly kind: 'step-reply';
      readonly result: StepResultView;
      readonly files: readonly { readonly filename: string; readonly content: string }[];
      readonly outputs: readonly { readonly filename: string; readonly artefact: OutputArtefactRef }[];
    }
  | { readonly kind: 'gate-posted'; readonly gate: GateView }
  | { readonly kind: 'gate-changed'; readonly gate: GateView }
  | {
      readonly kind: 'line';
      readonly text: string;
      readonly inChannel?: boolean;
      /** The user and channel references in `text` that stay live (opsgate wrote them); the rest is escaped. */
      readonly refs?: readonly string[];
    };

/**
 * Applies one engine event to a run's chat state and says what to show: a pure function, so that the mapping
 * from engine events to views is tested without Slack.
 */
export function applyEvent(s: RunThreadState, e: EngineEvent): ThreadEffect {
  switch (e.type) {
    case 'run.requested':
      s.dryRun = e.dryRun;
      s.run = { ...s.run, requester: e.requester, title: e.runbook, runbook: e.runbook, startedAt: e.at };
      return { kind: 'none' };
    case 'run.planned':
      s.dryRun = s.dryRun || e.dryRun;
      s.run = {
        ...s.run,
        title: e.title,
        state: 'running',
        steps: e.steps.map((x) => ({
          id: x.id,
          title: x.title,
          kind: x.kind,
          state: 'pending',
          destructive: x.destructive,
        })),
      };
      return { kind: 'parent' };
    case 'run.refused':
      return { kind: 'line', text: `Run ${e.runId} at ${e.site} was refused: ${e.reason}`, inChannel: true };
    case 'run.stopped':
      s.run = { ...s.run, state: 'rejected', finishedAt: e.at };
      return {
        kind: 'line',
        text: `${e.statusLine}${e.rollbackOffered ? ` (roll it back with /rollback ${e.runId})` : ''}`,
      };
    case 'run.finished':
      s.run = { ...s.run, state: OUTCOME_STATE[e.outcome] ?? 'succeeded', finishedAt: e.at };
      return { kind: 'line', text: e.statusLine };
    case 'step.started':
      s.phases.set(e.stepId, e.phase);
      s.targets.set(e.stepId, e.targets);
      s.outputs.delete(e.stepId);
      patchStep(s, e.stepId, { state: 'running', startedAt: e.at }, e.title);
      s.run = { ...s.run, state: 'running' };
      return { kind: 'parent' };
    case 'step.output-summary':
      s.outputs.set(e.stepId, e.outputs);
      return { kind: 'none' };
    case 'step.progress':
      // One message edited in place, kept apart from the thread's state: `ProgressMessages`.
      return { kind: 'none' };
    case 'step.finished': {
      const ok = e.status === 'succeeded';
      const state: StepState = ok ? (s.phases.get(e.stepId) === 'rollback' ? 'rolled-back' : 'done') : 'failed';
      const step = patchStep(s, e.stepId, {
        state,
        finishedAt: e.at,
        ...(e.findings.length > 0 ? { tally: tallyOf(e.findings) } : {}),
      });
      if (!ok) s.run = { ...s.run, state: 'failed' };
      const outputs = new Map((s.outputs.get(e.stepId) ?? []).map((o) => [o.host, o]));
      const hosts = e.hosts.map((h) => {
        const o = outputs.get(h.host);
        const error = h.error ?? o?.error;
        return {
          host: h.host,
          exitCode: h.exitCode,
          durationMs: h.durationMs,
          outputTail: o?.tail ?? '',
          outputBytes: o?.totalBytes ?? 0,
          ...(error === undefined ? {} : { error }),
          ...(h.sql === undefined ? {} : { sql: h.sql }),
        };
      });
      const findings = [
        ...e.findings,
        ...e.probes.map((p) => ({
          status: p.ok ? ('pass' as const) : ('fail' as const),
          title: p.probe,
          evidence: p.evidence,
          host: p.host,
        })),
      ];
      const files = e.findings.flatMap((f) =>
        f.attachment === undefined ? [] : [{ filename: f.attachment.name, content: f.attachment.text }],
      );
      const stored = [...outputs.values()].flatMap((o) =>
        o.artefact === undefined ? [] : [{ filename: `${e.stepId}-${o.host}.log`, artefact: o.artefact }],
      );
      return {
        kind: 'step-reply',
        files,
        outputs: stored,
        result: {
          runId: e.runId,
          step,
          targets: s.targets.get(e.stepId) ?? e.hosts.map((h) => h.host),
          hosts,
          summary: e.summary,
          findings,
        },
      };
    }
    case 'step.interrupted':
      patchStep(s, e.stepId, { state: 'interrupted' });
      s.run = { ...s.run, state: 'interrupted' };
      return { kind: 'line', text: `Step ${e.stepId} was interrupted: ${e.summary}` };
    case 'gate.opened': {
      const gate = gateViewOf(e.gate, e.context);
      s.gates.set(gate.id, gate);
      if (e.gate.kind === 'approval' || e.gate.kind === 'rollback' || e.gate.kind === 'manual') {
        patchStep(s, e.gate.stepId, { state: 'waiting-approval' }, e.context.stepTitle);
        s.run = { ...s.run, state: 'waiting' };
      }
      return { kind: 'gate-posted', gate };
    }
    case 'gate.decided': {
      const prev = s.gates.get(e.gateId);
      if (e.choice === 'approve' || e.choice === 'done') {
        const step = s.run.steps.find((x) => x.id === e.stepId);
        patchStep(s, e.stepId, {
          approvedBy: [...(step?.approvedBy ?? []), e.by],
          ...(step?.state === 'waiting-approval' ? { state: 'pending' as const } : {}),
        });
      }
      if (prev === undefined) return { kind: 'parent' };
      const gate: GateView = { ...prev, status: 'decided', decision: { choice: e.choice, by: e.by, at: e.at } };
      s.gates.set(gate.id, gate);
      return { kind: 'gate-changed', gate };
    }
    case 'gate.expired': {
      const prev = s.gates.get(e.gateId);
      if (prev === undefined) return { kind: 'parent' };
      const gate: GateView = { ...prev, status: 'expired', expiresAt: e.at };
      s.gates.set(gate.id, gate);
      return { kind: 'gate-changed', gate };
    }
    case 'rollback.started':
      return {
        kind: 'line',
        refs: [`<@${e.requestedBy}>`],
        text: `Rollback requested by <@${e.requestedBy}>: undoes ${e.covers.length > 0 ? e.covers.join(', ') : 'nothing'}${e.irreversible.length > 0 ? `; cannot undo ${e.irreversible.map((i) => i.stepId).join(', ')}` : ''}`,
      };
    case 'lock.stale':
      return {
        kind: 'line',
        text: `Site ${e.site}: the lock of run ${e.holder.runId} looks stale: ${e.reason}`,
        inChannel: true,
      };
    default:
      return assertNever(e, 'engine event');
  }
}
