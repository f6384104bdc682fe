import { choiceInWords } from '../../approvals/choices-for-kind.ts';
import { shortHash } from '../../commands/action-ref.ts';
import type { ChatEngine } from '../../core/ports/chat-engine.ts';
import type { Site } from '../../core/sites/site.ts';
import type { EngineEvent } from '../../core/ports/events.ts';
import type { Gate, GateChoice } from '../../core/ports/gates.ts';
import { describeRedisFault, nextRunEvents, type FollowDeps } from './next-run-events.ts';

/**
 * What `driveRun` talks to and prints through: the events of the run's site, `notify` for what the person running
 * the CLI is told besides them (refusals, a lost Redis, why the CLI stopped), where Redis is, for those messages.
 */
export interface DriveRunDeps extends Omit<FollowDeps, 'getRun'> {
  readonly chat: ChatEngine;
  /** Each engine event of the run, as it arrives. */
  readonly onEvent: (event: EngineEvent) => void;
}

export interface DriveRunInput {
  readonly runId: string;
  readonly site: Site;
  /** The id of the site's stream before the run was requested: every event after it is read. */
  readonly fromId: string;
  /** Who answers gates, in order: each is tried until the gate is settled. */
  readonly approvers: readonly string[];
  /** The run's requester (who rejects when no approver is given). */
  readonly requester: string;
  /** Reject the first approval gate instead of approving it. */
  readonly rejectFirst: boolean;
  /** Reject the approval gate of this step (a rejection in the middle of a phase). */
  readonly rejectAt?: string;
  /** What to answer a failure or interruption gate (default `stop`: leave it waiting). */
  readonly onFailure?: OnFailure;
}

/**
 * `--on-failure`: roll the run back or abort it (answered as the first approver), or stop and leave the gate waiting.
 */
export type OnFailure = 'stop' | 'rollback' | 'abort';

/** The `--on-failure` values that answer a gate, with the choice each answers. */
const ON_FAILURE_ANSWERS: readonly (readonly [OnFailure, GateChoice])[] = [
  ['rollback', 'roll-back'],
  ['abort', 'abort'],
];

/** How a driven run ended, and the CLI exit code for it (0 only for a completed run or a completed rollback). */
export interface DriveOutcome {
  readonly exitCode: 0 | 1;
  readonly reason: string;
}

/**
 * Follows a run's events to its end and answers its gates as the given approvers, through the same
 * `ChatEngine.decide` path (and policy checks) as a Slack click: approval and rollback gates are approved (or
 * the first approval gate rejected with `rejectFirst`), manual steps are answered `done` after their
 * instructions were printed. A gate nobody given may settle, and a failed or interrupted step (which needs a
 * human's judgement: the choices the gate offers), end the drive with exit code 1 and leave the run waiting,
 * unless `onFailure` says to answer it `roll-back` or `abort` as the first approver (the rollback's own gates
 * are then approved as usual). A run that needed that answer did not succeed: its drive ends with exit code 1
 * however the rollback ends.
 *
 * A lost Redis does not end the drive at once: it follows the run again when Redis is back (see `nextRunEvents`),
 * and ends with exit code 1 when Redis stays away for `redisWaitMs` or comes back without the run.
 */
export async function driveRun(deps: DriveRunDeps, input: DriveRunInput): Promise<DriveOutcome> {
  const follow: FollowDeps = { ...deps, getRun: (runId) => deps.chat.getRun(runId) };
  let after = input.fromId;
  let rejected = false;
  let failed = false;
  for (;;) {
    const next = await nextRunEvents(follow, input.site.name, input.runId, after);
    if (!next.ok) return { exitCode: 1, reason: next.reason };
    for (const { id, event } of next.events) {
      after = id;
      if (event.runId !== input.runId) continue;
      deps.onEvent(event);
      switch (event.type) {
        case 'run.finished':
          if (failed)
            deps.notify({
              type: 'not-succeeded',
              runId: input.runId,
              outcome: event.outcome,
              message: `run ${input.runId} did not succeed (a step failed); it ended ${event.outcome === 'rolled-back' ? 'rolled back' : event.outcome}: ${event.statusLine}`,
            });
          return (event.outcome === 'completed' || event.outcome === 'rolled-back') && !failed
            ? { exitCode: 0, reason: event.statusLine }
            : { exitCode: 1, reason: event.statusLine };
        case 'run.stopped':
          return { exitCode: 1, reason: event.statusLine };
        case 'run.refused':
          return { exitCode: 1, reason: event.reason };
        case 'gate.opened': {
          const rejectHere =
            event.gate.kind === 'approval' &&
            ((!rejected && input.rejectFirst) || event.gate.stepId === input.rejectAt);
          if (event.gate.kind === 'failure' || event.gate.kind === 'interrupted') failed = true;
          const stop = await answerGate(deps, input, event.gate, rejectHere);
          if (event.gate.kind === 'approval' && input.rejectFirst) rejected = true;
          if (stop !== undefined) return stop;
          break;
        }
        default:
          break;
      }
    }
  }
}

async function answerGate(
  deps: DriveRunDeps,
  input: DriveRunInput,
  gate: Gate,
  reject: boolean,
): Promise<DriveOutcome | undefined> {
  const waiting = (why: string): DriveOutcome => {
    const reason = `run ${input.runId} waits at step ${gate.stepId} (${gate.kind} gate): ${why}; answer it in the console (opsgate start) or in Slack`;
    const { runId, stepId, id: gateId, kind: gateKind } = gate;
    deps.notify({ type: 'waiting', runId, stepId, gateId, gateKind, message: reason });
    return { exitCode: 1, reason };
  };
  const failure = gate.kind === 'failure' || gate.kind === 'interrupted';
  const onFailure = input.onFailure ?? 'stop';
  if (failure && onFailure === 'stop') {
    // Only what this gate offers: a failure inside a rollback offers no roll-back, so --on-failure rollback is not named.
    const flags = ON_FAILURE_ANSWERS.filter(([, c]) => gate.choices.includes(c)).map(([flag]) => flag);
    const hint = flags.length === 0 ? '' : ` (or pass --on-failure ${flags.join('|')})`;
    return waiting(`a person must decide between ${gate.choices.map(choiceInWords).join(', ')}${hint}`);
  }
  const choice: GateChoice = failure
    ? onFailure === 'rollback'
      ? 'roll-back'
      : 'abort'
    : reject
      ? 'reject'
      : gate.kind === 'manual'
        ? 'done'
        : 'approve';
  if (!gate.choices.includes(choice))
    return waiting(`this gate does not offer ${choice} (it takes ${gate.choices.join(', ')})`);
  const first = input.approvers[0];
  const deciders = failure
    ? first === undefined
      ? []
      : [first]
    : reject
      ? [first ?? input.requester]
      : input.approvers;
  if (deciders.length === 0) return waiting('no --approve-as was given');
  for (const user of deciders) {
    let r;
    try {
      r = await deps.chat.decide({
        gateId: gate.id,
        planHash: shortHash(gate.planHash),
        choice,
        user,
        userGroups: [],
        channel: input.site.channel,
      });
    } catch (e) {
      // Only a transport failure throws (a refusal is a result): whether the answer was recorded is unknown.
      const reason = `${choice} of step ${gate.stepId} as ${user} could not be sent to ${deps.redisWhere} (${describeRedisFault(e)}); run ${input.runId} may still wait at that gate: answer it in the console (opsgate start) or in Slack`;
      deps.notify({
        type: 'gave-up',
        runId: input.runId,
        redis: deps.redisWhere,
        reason: 'decision-failed',
        message: reason,
      });
      return { exitCode: 1, reason };
    }
    if (!r.ok) {
      const { runId, stepId, id: gateId } = gate;
      const message = `${choice} of step ${gate.stepId} as ${user} refused: ${r.error.message}`;
      deps.notify({ type: 'decision-refused', runId, stepId, gateId, choice, user, message });
      continue;
    }
    if (r.value.status === 'decided') return undefined;
  }
  return waiting(`no approver given could settle it (${choice})`);
}
