import type { DecideOutcome, GateChoice, GateRefusal } from '../ports/gates.ts';
import type { StepJob } from '../ports/run-store.ts';
import type { SiteLockHolder } from '../ports/site-lock.ts';
import type { Result } from '../result.ts';
import { advanceRun } from './advance-run.ts';
import { applyDecision, settleDecidedGates } from './apply-decision.ts';
import type { EngineDeps } from './engine-deps.ts';
import { handleStepJob, type Delivery } from './handle-step-job.ts';
import { noticeLostWorkers, type LostStep, type NoticeLostWorkersInput } from './notice-lost-workers.ts';
import { abortRun, requestRollback, type ControlRefusal } from './run-controls.ts';
import { requestRun, type RunAccepted, type RunRefusal, type RunRequestInput } from './request-run.ts';
import type { RunState } from '../plan/run-state.ts';
import { findStaleLocks, releaseStaleLock, type StaleLock } from './stale-locks.ts';
import type { Plan } from '../plan/step-schema.ts';
import { BOT_ACTOR } from './notify.ts';
import { decideGate } from '../../approvals/decide-gate.ts';

export interface DecideRequest {
  readonly gateId: string;
  readonly user: string;
  readonly userGroups: readonly string[];
  readonly choice: GateChoice;
  /** The step hash the person saw (carried by the button). */
  readonly planHash: string;
}

/** The engine's API, for the chat layers (request, decide, rollback …) and the worker (jobs, resume, expiry). */
export interface Engine {
  request(input: RunRequestInput): Promise<Result<RunAccepted, RunRefusal>>;
  /** Records a decision through the gate store (exactly once); refusals come back as results. */
  decide(input: DecideRequest): Promise<Result<DecideOutcome, GateRefusal>>;
  rollback(input: { readonly runId: string; readonly requester: string }): Promise<Result<RunState, ControlRefusal>>;
  abort(input: {
    readonly runId: string;
    readonly user: string;
    readonly userGroups: readonly string[];
  }): Promise<Result<RunState, ControlRefusal>>;
  getRun(runId: string): Promise<{ readonly run: RunState; readonly plan: Plan } | undefined>;
  /** Runs of one site (or all), newest first. */
  listRuns(site?: string): Promise<readonly RunState[]>;
  staleLocks(sites?: readonly string[]): Promise<readonly StaleLock[]>;
  releaseStaleLock(input: {
    readonly site: string;
    readonly user: string;
    readonly userGroups: readonly string[];
  }): Promise<Result<SiteLockHolder, { readonly code: string; readonly message: string }>>;
  /** Worker: one step job, delivered to the worker `worker` (its heartbeat id), recorded on the step it starts. */
  handleJob(job: StepJob, worker?: string): Promise<Delivery>;
  /**
   * Any process, now and then: takes over the steps still running on workers that stopped beating (exactly one
   * process takes each); returns what this call took over.
   */
  noticeLostWorkers(input: NoticeLostWorkersInput): Promise<readonly LostStep[]>;
  /**
   * Worker start (and now and then): applies gate decisions a crashed process recorded but did not apply, and
   * carries every active run of these sites forward from where it is; returns how many runs.
   */
  resume(sites: readonly string[]): Promise<number>;
  /** Worker poll: expires gates whose time is up (a rejection) and stops their runs; returns how many. */
  expireGates(): Promise<number>;
}

/** The engine over its injected ports. */
export function createEngine(deps: EngineDeps): Engine {
  return {
    request: (input) => requestRun(deps, input),
    async decide(input) {
      const r = await decideGate(deps.gates, { ...input, now: deps.clock.now() });
      if (r.ok && r.value.status === 'decided' && r.value.gate.decision !== undefined) {
        const { choice, by } = r.value.gate.decision;
        await applyDecision(deps, { gate: r.value.gate, choice, by, expired: false });
      }
      return r;
    },
    rollback: (input) => requestRollback(deps, input),
    abort: (input) => abortRun(deps, input),
    async getRun(runId) {
      const [run, plan] = await Promise.all([deps.runs.get(runId), deps.runs.getPlan(runId)]);
      return run === undefined || plan === undefined ? undefined : { run, plan };
    },
    listRuns: (site) => deps.runs.list(site === undefined ? {} : { site }),
    staleLocks: (sites) => findStaleLocks(deps, sites),
    releaseStaleLock: (input) => releaseStaleLock(deps, input),
    handleJob: (job, worker) => handleStepJob(deps, job, worker),
    noticeLostWorkers: (input) => noticeLostWorkers(deps, input),
    async resume(sites) {
      const runs = await deps.runs.active(sites);
      for (const run of runs) {
        await settleDecidedGates(deps, run);
        await advanceRun(deps, run.id);
      }
      return runs.length;
    },
    async expireGates() {
      const expired = await deps.gates.expireDue(deps.clock.now());
      for (const gate of expired) await applyDecision(deps, { gate, choice: 'reject', by: BOT_ACTOR, expired: true });
      return expired.length;
    },
  };
}
