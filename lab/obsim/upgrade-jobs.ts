import type { Connection } from 'mysql2/promise';
import { obVersion, obVersionToInt } from '../../src/runbooks/oceanbase/shared/ob-version.ts';
import type { SimReply } from './control-plane.ts';

/** How the next `run upgrade job 'UPGRADE_ALL'` goes: how long it takes, and whether it ends SUCCESS or FAILED. */
export interface UpgradeJobScenario {
  readonly outcome: 'success' | 'fail';
  readonly durationMs: number;
}

export const DEFAULT_UPGRADE_JOB: UpgradeJobScenario = { outcome: 'success', durationMs: 3_000 };

const TICK_MS = 500;
/** What a failed job records: OceanBase's OB_TIMEOUT, as a tenant's upgrade that ran out of time would. */
const FAILED_CODE = -4012;

type Serial = (fn: () => Promise<void>) => Promise<void>;

/**
 * The RootService's UPGRADE_ALL job as the simulator plays it: a row in __all_rootservice_job (INPROGRESS, on the
 * RootService's server) whose `progress` grows with time; at the end it is SUCCESS, with every tenant's
 * `compatible` and the three __all_global_stat data versions raised to the cluster version, or FAILED with
 * result_code -4012 and nothing raised. The job refuses to start while enable_ddl is off or another one runs.
 */
export class UpgradeJobs {
  scenario: UpgradeJobScenario = DEFAULT_UPGRADE_JOB;
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly db: Connection,
    private readonly serial: Serial,
  ) {}

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async run(): Promise<SimReply> {
    const q = async <T>(sql: string, params: unknown[] = []) => (await this.db.query(sql, params))[0] as T[];
    const ddlOff = await q<{ n: number }>(
      "select count(*) as n from __opsgate_parameter where name = 'enable_ddl' and scope = 'CLUSTER' and value != 'True'",
    );
    if (Number(ddlOff[0]?.n) > 0)
      return { kind: 'error', code: 4179, message: 'run upgrade job while enable_ddl is False not allowed' };
    const running = await q<{ n: number }>(
      "select count(*) as n from __all_rootservice_job where job_type = 'UPGRADE_ALL' and job_status = 'INPROGRESS'",
    );
    if (Number(running[0]?.n) > 0)
      return {
        kind: 'error',
        code: 4179,
        message: 'an UPGRADE_ALL job is already INPROGRESS, run upgrade job not allowed',
      };
    const rs = (
      await q<{ svr_ip: string; svr_port: number }>(
        'select svr_ip, svr_port from __all_server where with_rootserver = 1 limit 1',
      )
    )[0];
    const version =
      (
        await q<{ value: string }>("select value from __opsgate_parameter where name = 'min_observer_version' limit 1")
      )[0]?.value ?? '';
    const scenario = this.scenario;
    let jobId = 0;
    await this.serial(async () => {
      const max = await q<{ m: number | null }>('select max(job_id) as m from __all_rootservice_job');
      jobId = Number(max[0]?.m ?? 0) + 1;
      await this.db.query(
        "insert into __all_rootservice_job (job_id, job_type, job_status, progress, tenant_id, rs_svr_ip, rs_svr_port, sql_text) values (?, 'UPGRADE_ALL', 'INPROGRESS', 0, 1, ?, ?, ?)",
        [jobId, rs?.svr_ip ?? '', rs?.svr_port ?? 2882, "alter system run upgrade job 'UPGRADE_ALL'"],
      );
    });
    const started = Date.now();
    const tick = () => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        const elapsed = Date.now() - started;
        if (elapsed < scenario.durationMs) {
          void this.serial(
            async () =>
              void (await this.db.query(
                'update __all_rootservice_job set progress = ?, gmt_modified = now(6) where job_id = ?',
                [Math.floor((elapsed / scenario.durationMs) * 100), jobId],
              )),
          ).finally(tick);
          return;
        }
        void this.finish(jobId, scenario, version);
      }, TICK_MS);
      this.timers.add(t);
    };
    tick();
    return { kind: 'ok' };
  }

  private finish(jobId: number, scenario: UpgradeJobScenario, version: string): Promise<void> {
    return this.serial(async () => {
      if (scenario.outcome === 'fail') {
        await this.db.query(
          "update __all_rootservice_job set job_status = 'FAILED', result_code = ?, extra_info = 'tenant 1004 upgrade timed out', gmt_modified = now(6) where job_id = ?",
          [FAILED_CODE, jobId],
        );
        return;
      }
      await this.db.query("update __opsgate_parameter set value = ? where name = 'compatible' and scope = 'TENANT'", [
        version,
      ]);
      await this.db.query(
        "update __all_virtual_core_table set column_value = ? where table_name = '__all_global_stat' and column_name in ('target_data_version', 'current_data_version', 'upgrade_begin_data_version')",
        [obVersionToInt(obVersion(version)).toString()],
      );
      await this.db.query(
        "update __all_rootservice_job set job_status = 'SUCCESS', result_code = 0, progress = 100, gmt_modified = now(6) where job_id = ?",
        [jobId],
      );
    });
  }
}
