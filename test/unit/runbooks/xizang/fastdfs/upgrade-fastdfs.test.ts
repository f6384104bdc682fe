import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-fastdfs', await labXizang(), {});
});

describe('upgrade-fastdfs plan', () => {
  it('does the trackers first, then each storage host on its own, and verifies at the end', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'f01-record',
      'f02-stop-trackers',
      'f03-backup-trackers',
      'f04-adm-trackers',
      'f05-copy-tracker-base',
      'f06-stop-fdfs-1',
      'f07-backup-fdfs-1',
      'f08-adm-storage-fdfs-1',
      'f09-copy-files-fdfs-1',
      'f10-stop-fdfs-2',
      'f11-backup-fdfs-2',
      'f12-adm-storage-fdfs-2',
      'f13-copy-files-fdfs-2',
      'f99-verify',
    ]);
  });

  it('deploys three trackers in one ADM instance, the spare host included', () => {
    const t = plan.steps.find((s) => s.id === 'f04-adm-trackers');
    expect(t?.targets).toMatchObject({ hosts: ['fdfs-1', 'fdfs-2', 'fdfs-3'] });
    expect(t?.kind === 'manual' && t.standIn?.[2]?.command).toContain(
      "--instance '易联众-公共服务子系统Tracker-FastDFS-A' --hosts 10.77.0.41,10.77.0.42,10.77.0.43",
    );
  });

  it('records the files before and compares count and checksums after the copy', () => {
    expect(plan.steps[0]?.commands[0]?.command).toContain('find . -type f | LC_ALL=C sort | xargs -r sha256sum');
    const copy = plan.steps.find((s) => s.id === 'f09-copy-files-fdfs-1');
    expect(copy?.commands[0]?.command).toContain(
      "tar -C /mysql/storage0/data --exclude='*.pid' -cf - . | tar -C /mysql/fastdfs/storage/data -xpf -",
    );
    expect(JSON.stringify(copy?.verify)).toContain('files-equal');
    expect(copy?.targets).toEqual({ kind: 'hosts', hosts: ['fdfs-1'] });
  });

  it('backs up storage and nginx by mv, with the seed paths, and uninstalls both ADM instances on rollback', () => {
    const b = plan.steps.find((s) => s.id === 'f07-backup-fdfs-1');
    expect(b?.commands[0]?.command).toBe(
      'mv -T -- /app/storage /app/storage_bak && mv -T -- /usr/local/nginx /usr/local/nginx_bak && mv -T -- /etc/init.d/fdfs_storaged /etc/init.d/fdfs_storaged_bak && mv -T -- /etc/init.d/nginx /etc/init.d/nginx_bak',
    );
    const adm = plan.steps.find((s) => s.id === 'f08-adm-storage-fdfs-1');
    const un = adm?.kind === 'manual' ? adm.rollback?.steps[0] : undefined;
    expect(un?.kind === 'manual' && un.standIn?.[0]?.command).toBe(
      "/opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Nginx-FastDFS-A' && /opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Storage-FastDFS-A'",
    );
  });

  it('checks every backup path before the first step, so an existing _bak stops the run before anything', () => {
    expect(plan.steps[0]?.preconditions).toContainEqual({
      kind: 'path-absent',
      path: '/app/storage_bak',
      hosts: ['fdfs-2'],
    });
  });
});
