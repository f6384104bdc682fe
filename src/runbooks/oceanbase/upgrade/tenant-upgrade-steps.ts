import type { Finding } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { num, cell, text } from '../checker/ob-rows.ts';
import { clusterParameterSync } from './parameter-sync.ts';
import { jobTimeoutSec, readJob, tenantUpgradeSql, type TenantUpgradeSql } from './upgrade-job.ts';
import type { ProgramContext, StepProgram } from '../../../core/ports/runbook.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { requireSql } from '../shared/require-sql.ts';
import { runPolls, runStatement, tenantCount } from '../health/run-polls.ts';

export const TENANT_UPGRADE_PROGRAM = 'ob.tenant-upgrade-job';
export const RUN_WHEN_NEEDED_PROGRAM = 'ob.run-when-needed';

const POLL_SEC = 10;
const SOURCE = 'upgrade_post.py tenant_upgrade';

/**
 * upgrade_post's tenant_upgrade: the upgrade job (when the data version is behind), root inspection, and 4.3.5.5's
 * syslog_level.
 */
export function tenantUpgradeSteps(cluster: string, target: string): StepInput[] {
  const q = tenantUpgradeSql(target);
  if (!q.ok) throw new ObUpgradeRefusedError(cluster, q.error);
  const sqlTarget = { kind: 'sql' as const, target: cluster };
  const steps: StepInput[] = [
    {
      kind: 'action',
      id: 'tenant-upgrade-job',
      title: `Tenant upgrade: when the data version is behind ${target}, run the UPGRADE_ALL job and wait for it (every ${POLL_SEC} s, 100 s per tenant, at least 1 h)`,
      targets: sqlTarget,
      program: { id: TENANT_UPGRADE_PROGRAM, args: { target, pollSec: POLL_SEC, sql: { ...q.value } } },
      irreversible: {
        reason: `upgrades every tenant's system tables and raises the data version to ${target}; OceanBase cannot lower it again`,
      },
    },
    {
      kind: 'action',
      id: 'root-inspection',
      title:
        "Root inspection: when an upgrade inspection item has not succeeded, ALTER SYSTEM RUN JOB 'root_inspection' (100 s per tenant, at least 600 s)",
      targets: sqlTarget,
      program: {
        id: RUN_WHEN_NEEDED_PROGRAM,
        args: {
          check: "select count(*) from oceanbase.__all_virtual_upgrade_inspection where info != 'succeed'",
          run: "alter system run job 'root_inspection'",
        },
      },
      irreversible: { reason: 'only re-runs the RootService inspection' },
    },
  ];
  if (target === '4.3.5.5') {
    steps.push({
      kind: 'action',
      id: 'syslog-level',
      title: "4.3.5.5's post action: syslog_level INFO becomes WDIAG (only when some server shows INFO)",
      targets: sqlTarget,
      program: {
        id: RUN_WHEN_NEEDED_PROGRAM,
        args: {
          check: "select count(*) from oceanbase.GV$OB_PARAMETERS where name = 'syslog_level' and value = 'INFO'",
          run: "alter system set syslog_level = 'WDIAG'",
          wait: { ...clusterParameterSync('syslog_level', 'WDIAG', SOURCE) },
        },
      },
      irreversible: { reason: "the target version's own upgrade script changes it for good" },
    });
  }
  return steps;
}

const count = async (ctx: ProgramContext, statement: string) =>
  num(cell((await requireSql(ctx).query(statement, { label: ctx.step.id })).rows[0]));

/** The three queries of §2.5.3: any of them off means the tenants still need the upgrade job. */
async function crossVersion(ctx: ProgramContext, q: TenantUpgradeSql): Promise<string | undefined> {
  if ((await count(ctx, q.coreTableExists)) === 0)
    return 'the cluster has no __all_virtual_core_table (it came from 4.0)';
  const tenants = await count(ctx, q.tenantCount);
  const rows = await count(ctx, q.dataVersionRows);
  if (rows !== 3 * tenants)
    return `${rows} of the ${3 * tenants} data-version rows of ${tenants} tenants are at the target`;
  const behind = await count(ctx, q.compatibleBehind);
  return behind === 0 ? undefined : `${behind} tenant x server compatible value(s) are not the target yet`;
}

/** The upgrade job, as tenant_upgrade runs it, with the job's progress in the thread. */
export const tenantUpgradeProgram: StepProgram = async (ctx, args) => {
  const target = String(args['target']);
  const pollSec = Number(args['pollSec']);
  const q = args['sql'] as unknown as TenantUpgradeSql;
  const sql = requireSql(ctx);
  const state = `Every zone runs ${target} and the cluster version is ${target} (it cannot go back); the cluster is still in upgrade mode with DDL, merges and the other special_action parameters as the run left them.`;
  const behind = await crossVersion(ctx, q);
  if (behind === undefined)
    return [
      {
        status: 'pass',
        title: `data version already ${target}`,
        evidence: 'every tenant is at the target: no upgrade job needed',
      },
    ];
  await ctx.progress(`tenant upgrade needed: ${behind}`);
  const last = text(cell((await sql.query(q.lastUpgradeJob, { label: ctx.step.id })).rows[0]));
  if (last === 'INPROGRESS')
    return [
      {
        status: 'fail',
        title: 'upgrade job still running, should wait',
        evidence: `${state} An UPGRADE_ALL job is INPROGRESS (DBA_OB_TENANT_JOBS). Decide: retry this step once it has ended, or abort.`,
      },
    ];
  const findings: Finding[] = [];
  const ddl = (await sql.query(q.enableDdl, { label: ctx.step.id })).rows.map((r) => text(cell(r)));
  if (!(ddl.length === 1 && ddl[0] === 'True')) {
    await runStatement(ctx, sql, q.enableDdlOn);
    const on = await runPolls(
      ctx,
      [clusterParameterSync('enable_ddl', 'True', SOURCE)],
      `${state} Decide: retry, or abort.`,
    );
    findings.push(...on.findings);
    if (!on.ok) return findings;
  }
  const max = num(cell((await sql.query(q.maxJobId, { label: ctx.step.id })).rows[0])) || 0;
  await runStatement(ctx, sql, q.runJob);
  const tenants = await tenantCount(ctx);
  const limitMs = jobTimeoutSec(tenants) * 1000;
  const started = ctx.clock.now();
  for (let poll = 1; ; poll++) {
    const seen = readJob((await sql.query(q.pollJob.replace('{max}', String(max)), { label: ctx.step.id })).rows);
    if (!seen.ok) return [...findings, { status: 'fail', title: 'upgrade job', evidence: `${seen.error}. ${state}` }];
    const job = seen.value;
    const elapsed = Math.round((ctx.clock.now() - started) / 1000);
    await ctx.progress(
      job === undefined
        ? `upgrade job not visible yet after ${elapsed} s`
        : `upgrade job ${job.jobId}: ${job.status}, progress ${job.progress}% after ${elapsed} s`,
    );
    if (job?.status === 'SUCCESS')
      return [
        ...findings,
        {
          status: 'pass',
          title: `upgrade job ${job.jobId} succeeded`,
          evidence: `UPGRADE_ALL SUCCESS after ${elapsed} s (${tenants} tenants)`,
        },
      ];
    if (job?.status === 'FAILED') {
      return [
        ...findings,
        {
          status: 'fail',
          title: 'execute upgrade job failed',
          evidence: `UPGRADE_ALL job ${job.jobId} FAILED (result_code ${job.resultCode}) after ${elapsed} s. ${state} The data version is still behind ${target}. Decide: read the job in DBA_OB_TENANT_JOBS and the RootService log with the DBA, then retry this step (it starts a new UPGRADE_ALL job); or abort and finish the tenant upgrade by hand.`,
        },
      ];
    }
    if (job !== undefined && poll % 10 === 0) {
      const moved = await rootServiceMoved(ctx, q, job.rsIp, job.rsPort, job.jobId);
      if (moved !== undefined)
        return [
          ...findings,
          {
            status: 'fail',
            title: 'the RootService changed during the upgrade job',
            evidence: `${moved}: job ${job.jobId} will not finish. ${state} Decide: retry this step (it starts a new UPGRADE_ALL job), or abort.`,
          },
        ];
    }
    if (ctx.clock.now() - started + pollSec * 1000 > limitMs) {
      return [
        ...findings,
        {
          status: 'fail',
          title: 'upgrade job timed out',
          evidence: `UPGRADE_ALL ${job === undefined ? 'never appeared' : `job ${job.jobId} still ${job.status}`} after ${elapsed} s (limit ${limitMs / 1000} s). ${state} Decide: wait and retry this step once the job has ended, or abort.`,
        },
      ];
    }
    await ctx.sleep(pollSec * 1000);
  }
};

async function rootServiceMoved(
  ctx: ProgramContext,
  q: TenantUpgradeSql,
  ip: string,
  port: number,
  job: number,
): Promise<string | undefined> {
  if ((await count(ctx, q.rsStillLeader.replace('{ip}', ip).replace('{port}', String(port)))) === 0)
    return `the RootService is no longer on ${ip}:${port}`;
  if ((await count(ctx, q.rsRestarted.replace('{job}', String(job)))) > 0)
    return `the RootService restarted (full_rootservice) after job ${job} began`;
  return undefined;
}

/** Runs `run` only when `check` counts something (root inspection, 4.3.5.5's syslog_level), then its wait. */
export const runWhenNeededProgram: StepProgram = async (ctx, args) => {
  const check = String(args['check']);
  const run = String(args['run']);
  const n = await count(ctx, check);
  if (n === 0) return [{ status: 'pass', title: 'nothing to do', evidence: `${check} returned 0` }];
  const tenants = await tenantCount(ctx);
  await ctx.progress(`${n} to fix: ${run}`);
  await requireSql(ctx).query(run, { label: ctx.step.id, timeoutMs: Math.max(100 * tenants, 600) * 1000 });
  const wait = args['wait'] as Parameters<typeof runPolls>[1][number] | undefined;
  if (wait === undefined)
    return [
      {
        status: 'pass',
        title: run,
        evidence: `${n} before; ran within the ${Math.max(100 * tenants, 600)} s session timeout`,
      },
    ];
  return (
    await runPolls(ctx, [wait], 'Some server still shows the old value. Decide: retry, or set it by hand.', tenants)
  ).findings;
};
