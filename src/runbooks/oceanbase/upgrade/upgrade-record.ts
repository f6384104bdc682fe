import type { RunState } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { cell, text } from '../checker/ob-rows.ts';
import { CURRENT_VERSION_SQL, pickVariant, specialActionVariants } from './special-action.ts';
import {
  checkRecord,
  parseUpgradeRecord,
  READ_CLUSTER_PARAMETERS_SQL,
  READ_MERGE_SUSPENDED_SQL,
  READ_TENANT_PARAMETERS_SQL,
  type UpgradeRecord,
} from './upgrade-parameters.ts';
import type { ProgramContext, StepProgram } from '../../../core/ports/runbook.ts';
import { requireSql } from '../shared/require-sql.ts';

export const UPGRADE_RECORD_PROGRAM = 'ob.upgrade-record';
export const UPGRADE_RECORD_STEP = 'upgrade-record';

const MARK = 'recorded before the upgrade=';

/** Reads what the run may change, before it changes anything (the values the restore puts back). */
export function upgradeRecordStep(cluster: string, target: string): StepInput {
  return {
    kind: 'check',
    id: UPGRADE_RECORD_STEP,
    title: `Record the cluster version and the parameters the upgrade changes (special_action and post_check), before changing any`,
    targets: { kind: 'sql', target: cluster },
    program: {
      id: UPGRADE_RECORD_PROGRAM,
      args: {
        target,
        sql: [CURRENT_VERSION_SQL, READ_CLUSTER_PARAMETERS_SQL, READ_TENANT_PARAMETERS_SQL, READ_MERGE_SUSPENDED_SQL],
      },
    },
  };
}

/** Reads the three record queries now (also what the restore compares with). */
export async function readUpgradeState(ctx: ProgramContext): Promise<ReturnType<typeof parseUpgradeRecord>> {
  const sql = requireSql(ctx);
  const q = async (s: string) => (await sql.query(s, { label: ctx.step.id })).rows;
  return parseUpgradeRecord(
    await q(READ_CLUSTER_PARAMETERS_SQL),
    await q(READ_TENANT_PARAMETERS_SQL),
    await q(READ_MERGE_SUSPENDED_SQL),
  );
}

/** Records the values (kept in the finding's evidence) and says which special_action variant the cluster takes. */
export const upgradeRecordProgram: StepProgram = async (ctx, args) => {
  const target = String(args['target']);
  const versions = (await requireSql(ctx).query(CURRENT_VERSION_SQL, { label: ctx.step.id })).rows.map((r) =>
    text(cell(r)),
  );
  const variants = specialActionVariants(target, 0);
  const picked = variants.ok ? pickVariant(variants.value, versions, target) : variants;
  if (!picked.ok)
    return [
      {
        status: 'fail',
        title: 'cluster version',
        evidence: `${picked.error}; nothing has been changed. Decide: fix the cluster, then retry; or abort.`,
      },
    ];
  const record = await readUpgradeState(ctx);
  if (!record.ok)
    return [
      {
        status: 'fail',
        title: 'record the parameters',
        evidence: `${record.error}; nothing has been changed. Decide: check the parameter by hand, then retry; or abort.`,
      },
    ];
  const shown = [...new Set(record.value.values.map((v) => `${v.name}=${v.value}`))].join(', ');
  const cross =
    picked.value.id === 'same-version'
      ? 'same version: special_action changes nothing'
      : `cross-version: special_action takes variant ${picked.value.id} (${picked.value.when})`;
  return [
    { status: 'pass', title: `cluster version ${versions[0]}, target ${target}`, evidence: cross },
    {
      status: 'pass',
      title: `recorded ${record.value.values.length} parameter value(s) and ${record.value.suspended.length} suspended merge(s)`,
      evidence: `${shown}. ${MARK}${JSON.stringify(record.value)}`,
    },
  ];
};

/** The record kept by step `stepId` of the run, if it ran. */
export function upgradeRecordOf(run: RunState, stepId: string): UpgradeRecord | undefined {
  for (const f of run.steps[stepId]?.findings ?? []) {
    const at = f.evidence.indexOf(MARK);
    if (at < 0) continue;
    try {
      const parsed = JSON.parse(f.evidence.slice(at + MARK.length)) as UpgradeRecord;
      if (!Array.isArray(parsed.values) || !Array.isArray(parsed.suspended)) return undefined;
      const checked = checkRecord(parsed);
      return checked.ok ? checked.value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
