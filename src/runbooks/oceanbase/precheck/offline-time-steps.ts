import type { Finding, RunState } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { awaitPoll } from '../health/await-poll.ts';
import { TENANT_COUNT_SQL } from '../health/ob-poll.ts';
import {
  PERMANENT_OFFLINE_PARAMETER,
  parsePreviousValues,
  PERMANENT_OFFLINE_UPGRADE_VALUE,
  raisePermanentOfflineTime,
  READ_PERMANENT_OFFLINE_TIME_SQL,
  restorePermanentOfflineTime,
  type ServerParameterValue,
} from './permanent-offline-time.ts';
import type { Evaluator, StepProgram } from '../../../core/ports/runbook.ts';
import { requireSql } from '../shared/require-sql.ts';
import { WAIT_PROGRAM, type WaitArgs } from '../health/wait-program.ts';

export const PREVIOUS_OFFLINE_TIME_EVALUATOR = 'ob-precheck.previous-offline-time';
export const RESTORE_OFFLINE_TIME_PROGRAM = 'ob.restore-offline-time';

/** How a finding carries the recorded values, so a later step (or run) can put them back. */
const PREVIOUS_MARK = `previous ${PERMANENT_OFFLINE_PARAMETER}=`;

/** The evidence text holding the recorded values. */
export function previousEvidence(values: readonly ServerParameterValue[]): string {
  return `${PREVIOUS_MARK}${JSON.stringify(values)}`;
}

/** The recorded values in a finding's evidence, if it carries them. */
export function previousFromEvidence(evidence: string): readonly ServerParameterValue[] | undefined {
  const at = evidence.indexOf(PREVIOUS_MARK);
  if (at < 0) return undefined;
  try {
    const parsed = JSON.parse(evidence.slice(at + PREVIOUS_MARK.length)) as unknown;
    if (!Array.isArray(parsed)) return undefined;
    const ok = parsed.every(
      (p: Partial<ServerParameterValue>) =>
        typeof p.svrIp === 'string' && typeof p.svrPort === 'number' && typeof p.value === 'string',
    );
    return ok ? (parsed as ServerParameterValue[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The values recorded by step `stepId` of the run (its findings), if any. */
export function previousRecordedBy(run: RunState, stepId: string): readonly ServerParameterValue[] | undefined {
  for (const f of run.steps[stepId]?.findings ?? []) {
    const v = previousFromEvidence(f.evidence);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Turns the rows of `READ_PERMANENT_OFFLINE_TIME_SQL` into the recorded values (or says what is odd). */
export const previousOfflineTimeEvaluator: Evaluator = (results) => {
  const rows = results[0]?.rows ?? [];
  const parsed = parsePreviousValues(rows);
  if (!parsed.ok) return [{ status: 'fail', title: `record ${PERMANENT_OFFLINE_PARAMETER}`, evidence: parsed.error }];
  const shown = [...new Set(parsed.value.map((v) => v.value))].join(', ');
  return [
    {
      status: 'pass',
      title: `recorded ${PERMANENT_OFFLINE_PARAMETER} (${shown}) on ${parsed.value.length} server(s)`,
      evidence: previousEvidence(parsed.value),
    },
  ];
};

/**
 * The 72h change as steps of its own: record the value of every server, set 72h (gated; its rollback puts the
 * recorded values back), and wait until every server shows it.
 */
export function raiseOfflineTimeSteps(cluster: string): StepInput[] {
  const target = { kind: 'sql' as const, target: cluster };
  const change = raisePermanentOfflineTime();
  const wait: WaitArgs = {
    polls: change.waits,
    onTimeout: `Some server does not show ${PERMANENT_OFFLINE_PARAMETER} = ${PERMANENT_OFFLINE_UPGRADE_VALUE} yet; nothing else changed. Decide: retry the wait, or roll back (restores the recorded values).`,
  };
  return [
    {
      kind: 'check',
      id: 'record-offline-time',
      title: `Record ${PERMANENT_OFFLINE_PARAMETER} of every server`,
      targets: target,
      sql: [READ_PERMANENT_OFFLINE_TIME_SQL],
      evaluator: PREVIOUS_OFFLINE_TIME_EVALUATOR,
    },
    {
      kind: 'action',
      id: 'raise-offline-time',
      title: `Set ${PERMANENT_OFFLINE_PARAMETER} to ${PERMANENT_OFFLINE_UPGRADE_VALUE} (what upgrade_checker.py does silently)`,
      targets: target,
      destructive: true,
      gate: {
        prompt: `Set ${PERMANENT_OFFLINE_PARAMETER} = ${PERMANENT_OFFLINE_UPGRADE_VALUE} on cluster ${cluster}, so that an observer down during the upgrade is not declared permanently offline? The recorded values are restored at the end of the upgrade.`,
      },
      sql: [...change.statements],
      rollback: { steps: [restoreOfflineTimeStep(cluster, 'record-offline-time', 'restore-offline-time-rb')] },
    },
    {
      kind: 'check',
      id: 'wait-offline-time',
      title: `Every server shows ${PERMANENT_OFFLINE_PARAMETER} = ${PERMANENT_OFFLINE_UPGRADE_VALUE}`,
      targets: target,
      program: { id: WAIT_PROGRAM, args: { ...wait } },
    },
  ];
}

/** Puts back the values recorded by step `fromStep` of the same run, then waits until every server shows them. */
export function restoreOfflineTimeStep(cluster: string, fromStep: string, id = 'restore-offline-time') {
  return {
    kind: 'action' as const,
    id,
    title: `Restore ${PERMANENT_OFFLINE_PARAMETER} to the values recorded before the upgrade`,
    targets: { kind: 'sql' as const, target: cluster },
    program: { id: RESTORE_OFFLINE_TIME_PROGRAM, args: { fromStep } },
    // Read only where the step stands in the plan; a rollback step has no rollback decision of its own.
    irreversible: { reason: 'puts back the values the cluster had before the precheck raised them' },
  };
}

/** Restores the recorded values (one statement, or one per server when they differed) and waits for each. */
export const restoreOfflineTimeProgram: StepProgram = async (ctx, args) => {
  const fromStep = String(args['fromStep']);
  const previous = previousRecordedBy(ctx.run, fromStep);
  if (previous === undefined) {
    return [
      {
        status: 'fail',
        title: `restore ${PERMANENT_OFFLINE_PARAMETER}`,
        evidence: `step ${fromStep} recorded no previous value: set it by hand to what it was before the upgrade`,
      },
    ];
  }
  const change = restorePermanentOfflineTime(previous);
  if (!change.ok) return [{ status: 'fail', title: `restore ${PERMANENT_OFFLINE_PARAMETER}`, evidence: change.error }];
  const sql = requireSql(ctx);
  for (const s of change.value.statements) {
    await ctx.progress(s);
    await sql.query(s, { label: ctx.step.id });
  }
  const tenantCount = (await sql.query(TENANT_COUNT_SQL, { label: ctx.step.id })).rows.length;
  const findings: Finding[] = [];
  for (const poll of change.value.waits) {
    const res = await awaitPoll({ sql, clock: ctx.clock, sleep: ctx.sleep }, poll, { tenantCount });
    findings.push(
      res.ok
        ? { status: 'pass', title: poll.title, evidence: res.value.observed }
        : { status: 'fail', title: poll.title, evidence: res.error.message },
    );
  }
  return findings;
};
