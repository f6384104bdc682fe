import type { Finding } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { cell, text } from '../checker/ob-rows.ts';
import {
  CURRENT_VERSION_SQL,
  pickVariant,
  specialActionVariants,
  type SpecialActionVariant,
} from './special-action.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { restoreRecordedStep } from './post-check-steps.ts';
import { requireSql } from '../shared/require-sql.ts';
import { runPolls, runStatement, tenantCount } from '../health/run-polls.ts';
import { UPGRADE_RECORD_STEP } from './upgrade-record.ts';

export const SPECIAL_ACTION_PROGRAM = 'ob.special-action';

/**
 * upgrade_pre's special_action as one gated step. Its program holds every variant with its exact statements (shown
 * in the plan and at the gate); when it runs it reads the cluster version (`CURRENT_VERSION_SQL`) and runs the
 * variant that version falls in, saying which in the thread first; a same-version upgrade runs nothing. Gated:
 * it stops DDL, major freezes, compactions, direct load and rebalancing for the business until post_check. Its
 * rollback puts back the values `upgrade-record` recorded.
 */
export function specialActionStep(cluster: string, target: string, settleSec: number, plannedFrom?: string): StepInput {
  const all = specialActionVariants(target, settleSec);
  if (!all.ok) throw new ObUpgradeRefusedError(cluster, all.error);
  // When planning read the cluster version (the route's facts), the plan carries that variant only; the run
  // still checks the version it reads against it, and stops if the cluster is no longer in it.
  const planned = plannedFrom === undefined ? undefined : pickVariant(all.value, [plannedFrom], target);
  if (planned !== undefined && !planned.ok) throw new ObUpgradeRefusedError(cluster, planned.error);
  const variants = planned === undefined ? all : { ok: true as const, value: [planned.value] };
  return {
    kind: 'action',
    id: 'special-action',
    title: `upgrade_pre special_action: for a cross-version upgrade, turn off DDL, major freezes, adaptive compaction, direct load and rebalancing, wait for merges, suspend them`,
    targets: { kind: 'sql', target: cluster },
    gate: {
      prompt: `On cluster ${cluster}, until the upgrade's post_check: refuse DDL and direct loads, stop major freezes, compactions and rebalancing (the statements of the variant matching the cluster version; none when it already is ${target})? The values recorded by ${UPGRADE_RECORD_STEP} are put back at the end, or at once on a roll back.`,
    },
    program: {
      id: SPECIAL_ACTION_PROGRAM,
      args: { target, variants: variants.value as unknown as Record<string, unknown>[] },
    },
    rollback: { steps: [restoreRecordedStep(cluster, 'special-action-restore')] },
  };
}

/** Runs the variant of the cluster's version: statements, then their waits, in the script's order. */
export const specialActionProgram: StepProgram = async (ctx, args) => {
  const target = String(args['target']);
  const variants = args['variants'] as unknown as readonly SpecialActionVariant[];
  const sql = requireSql(ctx);
  const versions = (await sql.query(CURRENT_VERSION_SQL, { label: ctx.step.id })).rows.map((r) => text(cell(r)));
  const picked = pickVariant(variants, versions, target);
  if (!picked.ok)
    return [
      {
        status: 'fail',
        title: 'cluster version',
        evidence: `${picked.error} (planned: ${variants.map((x) => x.when).join('; ')}); nothing has been changed. Decide: fix the cluster, then retry; or abort and plan again.`,
      },
    ];
  const variant = picked.value;
  if (variant.ops.length === 0)
    return [
      {
        status: 'pass',
        title: `cluster version ${versions[0]} is the target: no special action`,
        evidence: `variant ${variant.id} (${variant.when})`,
      },
    ];
  await ctx.progress(`cluster version ${versions[0]}, target ${target}: variant ${variant.id} (${variant.when})`);
  const findings: Finding[] = [
    { status: 'pass', title: `variant ${variant.id}`, evidence: `cluster version ${versions[0]}: ${variant.when}` },
  ];
  const tenants = await tenantCount(ctx);
  const state =
    'Every zone still runs the old version and the cluster is in upgrade mode; some of DDL, major freezes, compactions and direct load may be off already (the recorded values are restored by a roll back).';
  for (const op of variant.ops) {
    if (op.kind === 'settle') {
      await ctx.progress(`waiting ${op.seconds} s: ${op.why}`);
      await ctx.sleep(op.seconds * 1000);
      findings.push({ status: 'pass', title: `settled ${op.seconds} s`, evidence: op.why });
      continue;
    }
    for (const s of op.statements) await runStatement(ctx, sql, s);
    const waited = await runPolls(
      ctx,
      op.waits,
      `${state} Decide: retry the step (its statements are idempotent), or roll back.`,
      tenants,
    );
    findings.push(...waited.findings);
    if (!waited.ok) return findings;
  }
  return findings;
};
