import type { Connection } from 'mysql2/promise';
import type { SimReply } from './control-plane.ts';
import { UpgradeJobs } from './upgrade-jobs.ts';

type Serial = (fn: () => Promise<void>) => Promise<void>;

const SCOPES: Readonly<Record<string, string>> = {
  sys: 'tenant_id = 1',
  all_user: 'tenant_id > 1000 and tenant_id % 2 = 0',
  all_meta: 'tenant_id > 1000 and tenant_id % 2 = 1',
  all: '1 = 1',
};

const TENANT_SET =
  /^alter\s+system\s+set\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'([^'\\]*)'\s+tenant\s*=\s*'?([A-Za-z0-9_$]+)'?$/i;
const MERGE = /^alter\s+system\s+(suspend|resume)\s+merge(?:\s+tenant\s*=\s*'?([A-Za-z0-9_$]+)'?)?$/i;
const UPGRADE_JOB = /^alter\s+system\s+run\s+upgrade\s+job\s+'UPGRADE_ALL'$/i;
const ROOT_INSPECTION = /^alter\s+system\s+run\s+job\s+'root_inspection'$/i;

/**
 * The ALTER SYSTEM statements of upgrade_pre's special_action and upgrade_post's tenant_upgrade and post_check:
 * tenant parameters (`set k = 'v' tenant = sys|all_user|all_meta|all|<name>`), `suspend|resume merge [tenant = …]`
 * (CDB_OB_MAJOR_COMPACTION.IS_SUSPENDED), the UPGRADE_ALL job (`UpgradeJobs`) and `run job 'root_inspection'`
 * (every __all_virtual_upgrade_inspection item becomes `succeed`). `undefined`: not one of these.
 */
export class UpgradeActions {
  readonly jobs: UpgradeJobs;

  constructor(
    private readonly db: Connection,
    private readonly serial: Serial,
  ) {
    this.jobs = new UpgradeJobs(db, serial);
  }

  stop(): void {
    this.jobs.stop();
  }

  async alterSystem(s: string): Promise<SimReply | undefined> {
    const set = TENANT_SET.exec(s);
    if (set !== null) {
      const where = await this.tenants(set[3]!);
      if (where === undefined) return { kind: 'error', code: 5157, message: `Unknown tenant '${set[3]}'` };
      return this.update(
        `update __opsgate_parameter set value = ? where name = ? and scope = 'TENANT' and ${where}`,
        [set[2], set[1]],
        `parameter ${set[1]} is not a tenant parameter`,
      );
    }
    const merge = MERGE.exec(s);
    if (merge !== null) {
      const where = await this.tenants(merge[2] ?? 'all');
      if (where === undefined) return { kind: 'error', code: 5157, message: `Unknown tenant '${merge[2]}'` };
      const flag = merge[1]!.toLowerCase() === 'suspend' ? 'YES' : 'NO';
      return this.update(
        `update CDB_OB_MAJOR_COMPACTION set IS_SUSPENDED = ? where ${where.replace(/tenant_id/g, 'TENANT_ID')}`,
        [flag],
        undefined,
      );
    }
    if (UPGRADE_JOB.test(s)) return this.jobs.run();
    if (ROOT_INSPECTION.test(s))
      return this.update("update __all_virtual_upgrade_inspection set info = 'succeed'", [], undefined);
    return undefined;
  }

  /** The tenants of a scope or a tenant name, as a condition on tenant_id. */
  private async tenants(scope: string): Promise<string | undefined> {
    const known = SCOPES[scope.toLowerCase()];
    if (known !== undefined) return known;
    const [rows] = await this.db.query('select tenant_id from __all_tenant where tenant_name = ?', [scope]);
    const id = (rows as { tenant_id: number }[])[0]?.tenant_id;
    return id === undefined ? undefined : `tenant_id = ${Number(id)}`;
  }

  private async update(sql: string, params: unknown[], noneIs: string | undefined): Promise<SimReply> {
    let affected = 0;
    await this.serial(async () => {
      const [r] = await this.db.query(sql, params);
      affected = (r as { affectedRows?: number }).affectedRows ?? 0;
    });
    if (affected === 0 && noneIs !== undefined) {
      const [rows] = await this.db.query('select count(*) as n from __opsgate_parameter where name = ?', [params[1]]);
      if (Number((rows as { n: number }[])[0]?.n) === 0) return { kind: 'error', code: 4028, message: noneIs };
    }
    return { kind: 'ok', affectedRows: affected };
  }
}
