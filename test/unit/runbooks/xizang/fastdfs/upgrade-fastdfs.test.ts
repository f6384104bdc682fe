import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import type { Site } from '../../../../../src/core/sites/site.ts';
import { labXizang, registry } from '../xizang-fixture.ts';

let site: Site;
let plan: Plan;
beforeAll(async () => {
  site = await labXizang();
  plan = registry.buildPlan('upgrade-fastdfs', site, {});
});

const step = (id: string) => {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id}`);
  return s;
};

/** The lab site with its FastDFS entry changed by `edit`. */
function withFastdfs(edit: (f: Record<string, unknown>) => void): Site {
  const spec = structuredClone(site.spec);
  if (spec === undefined) throw new Error('no spec');
  edit(spec.middleware.fastdfs[0] as unknown as Record<string, unknown>);
  return { ...site, spec };
}

describe('upgrade-fastdfs plan', () => {
  it('checks the config files first, then trackers, the download pair, each storage host on its own, and verifies', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'f00-site-check',
      'f00-inspect',
      'f01-record',
      'f02-stop-trackers',
      'f03-backup-trackers',
      'f04-adm-trackers',
      'f05-copy-tracker-base',
      'f06-adm-download',
      'f07-stop-fdfs-1',
      'f08-backup-fdfs-1',
      'f09-adm-storage-fdfs-1',
      'f10-copy-files-fdfs-1',
      'f11-stop-fdfs-2',
      'f12-backup-fdfs-2',
      'f13-adm-storage-fdfs-2',
      'f14-copy-files-fdfs-2',
      'f99-verify',
    ]);
  });

  it('deploys three trackers in one ADM instance, the new one at its address in the trackers network', () => {
    const t = step('f04-adm-trackers');
    expect(t.targets).toMatchObject({ hosts: ['fdfs-1', 'fdfs-2', 'fdfs-3'] });
    expect(t.kind === 'manual' && t.standIn?.[2]?.command).toContain(
      "--instance '易联众-公共服务子系统Tracker-FastDFS-A' --hosts 10.77.0.41,10.77.0.42,10.77.0.43",
    );
    expect(t.kind === 'manual' && t.parameters['new tracker']).toBe(
      "fdfs-3 at 10.77.0.43, its address in the network of the other trackers (not 192.0.2.21: the site's address for it in another network zone)",
    );
  });

  it('takes the other zone address when that one is in the trackers network', () => {
    const p = registry.buildPlan(
      'upgrade-fastdfs',
      withFastdfs((f) => {
        f.newTracker = { host: 'fdfs-3', zoneAddresses: ['192.0.2.21', '10.77.0.99'] };
      }),
      {},
    );
    const t = p.steps.find((s) => s.id === 'f04-adm-trackers');
    expect(t?.kind === 'manual' && t.parameters.trackers).toBe('10.77.0.41:22122,10.77.0.42:22122,10.77.0.99:22122');
  });

  it('refuses to plan when no address or two addresses of the new tracker are in the trackers network', () => {
    for (const zoneAddresses of [
      ['192.0.2.21', '198.51.100.4'],
      ['10.77.0.43', '10.77.0.44'],
    ])
      expect(() =>
        registry.buildPlan(
          'upgrade-fastdfs',
          withFastdfs((f) => {
            f.newTracker = { host: 'fdfs-3', zoneAddresses };
          }),
          {},
        ),
      ).toThrow(
        /the new tracker fdfs-3 has (no address|2 addresses) .* in 10\.77\.0\.0\/24, the network of the trackers/,
      );
  });

  it('reads storage.conf and tracker.conf as FastDFS does and compares normalised paths before anything', () => {
    const inspect = step('f00-inspect');
    expect(inspect.kind).toBe('check');
    const onStorage = inspect.commands.find((c) => c.host === 'fdfs-1')?.command ?? '';
    expect(onStorage).toContain('#include');
    expect(onStorage).toContain("awk -v key=group_name -v all=0 '");
    expect(onStorage).toContain(`[ "$(norm "$b")" = /app/storage ]`);
    expect(onStorage).toContain(`[ "$(norm "$s0")/data" = /mysql/storage0/data ]`);
    const onNew = inspect.commands.find((c) => c.host === 'fdfs-3')?.command ?? '';
    expect(onNew).toContain('grep -Fxq -- 10.77.0.43');
    expect(inspect.preconditions).toContainEqual({ kind: 'path-absent', path: '/app/storage_bak', hosts: ['fdfs-2'] });
  });

  it('deploys the download pair with its VIP through ADM, master first, balancing over the storage nginx', () => {
    const d = step('f06-adm-download');
    expect(d.kind === 'manual' && d.parameters).toMatchObject({
      vip: '10.77.0.102',
      'VIP holder (master)': 'fdfs-1',
      upstreams: '10.77.0.41:8888,10.77.0.42:8888',
    });
    expect(d.kind === 'manual' && d.standIn?.map((c) => c.command)).toEqual([
      "/opt/adm/bin/adm install nginx-lb --instance '易联众-公共服务子系统Download-FastDFS-A' --role master --vip 10.77.0.102 --peer 10.77.0.42 --port 80 --upstreams 10.77.0.41:8888,10.77.0.42:8888 --home /mysql/fastdfs/nginx_lb",
      "/opt/adm/bin/adm install nginx-lb --instance '易联众-公共服务子系统Download-FastDFS-A' --role backup --vip 10.77.0.102 --peer 10.77.0.41 --port 80 --upstreams 10.77.0.41:8888,10.77.0.42:8888 --home /mysql/fastdfs/nginx_lb",
    ]);
    expect(JSON.stringify(d.verify)).toContain('downloads from 10\\\\.77\\\\.0\\\\.102:80');
    expect(d.kind === 'manual' && d.rollback?.steps[0]?.kind).toBe('manual');
  });

  it('keeps downloads coming through the VIP while a storage host is stopped', () => {
    expect(JSON.stringify(step('f07-stop-fdfs-1').verify)).toContain('http://10.77.0.102:80/group1/M00/');
  });

  it('proves each tracker alive by asking that tracker, never by a config it wrote', () => {
    const v = step('f99-verify');
    const asks = v.verify.filter((p) => p.kind === 'output-matches' && p.pattern.startsWith('^tracker '));
    expect(asks.map((p) => (p.kind === 'output-matches' ? p.pattern : ''))).toEqual([
      '^tracker 10\\.77\\.0\\.41:22122 answers',
      '^tracker 10\\.77\\.0\\.42:22122 answers',
      '^tracker 10\\.77\\.0\\.43:22122 answers',
    ]);
    const cmd = asks[0]?.kind === 'output-matches' ? asks[0].command : '';
    expect(cmd).toContain('fdfs_monitor "$conf" -h "$h"');
    expect(cmd).toContain(`[ "$answered" = 10.77.0.41:22122 ]`);
    expect(cmd).toContain("pgrep -af '[f]dfs_storaged'");
    expect(JSON.stringify(plan)).not.toContain('client.conf');
  });

  it('sees services by their process, port and protocol answer', () => {
    const stop = step('f02-stop-trackers');
    expect(stop.verify[0]).toMatchObject({ kind: 'service', name: 'fdfs_trackerd', process: 'bin/fdfs_trackerd' });
    expect(stop.preconditions[0]).toMatchObject({
      answer: { pattern: '00 00 00 00 00 00 00 00 64 00' },
      port: 22122,
    });
  });

  it('records the files before and compares count and checksums after the copy', () => {
    expect(step('f01-record').commands[0]?.command).toContain('find . -type f | LC_ALL=C sort | xargs -r sha256sum');
    const copy = step('f10-copy-files-fdfs-1');
    expect(copy.commands[0]?.command).toContain(
      "tar -C /mysql/storage0/data --exclude='*.pid' -b 20 --checkpoint=1024 --checkpoint-action='echo=##progress copy /mysql/storage0/data -> /mysql/fastdfs/storage/data | %u0 KiB of about '\"$kb\"' KiB read' -cf - . | tar -C /mysql/fastdfs/storage/data -xpf -",
    );
    expect(JSON.stringify(copy.verify)).toContain('files-equal');
    expect(copy.targets).toEqual({ kind: 'hosts', hosts: ['fdfs-1'] });
  });

  it('backs up storage and nginx by mv, with the seed paths, and uninstalls both ADM instances on rollback', () => {
    const b = step('f08-backup-fdfs-1');
    const mv = b.commands[0]?.command ?? '';
    for (const p of ['/app/storage', '/usr/local/nginx', '/etc/init.d/fdfs_storaged', '/etc/init.d/nginx'])
      expect(mv).toContain(`mv -T -- ${p} ${p}_bak`);
    const adm = step('f09-adm-storage-fdfs-1');
    const un = adm.kind === 'manual' ? adm.rollback?.steps[0] : undefined;
    expect(un?.kind === 'manual' && un.standIn?.[0]?.command).toBe(
      "/opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Nginx-FastDFS-A' && /opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Storage-FastDFS-A'",
    );
  });
});
