import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { serviceProbe } from '../shared/site-services.ts';
import { addressOf, componentInstance } from '../shared/xizang-site.ts';
import { addressOnHostProbe, downloadProbe } from './fdfs-checks.ts';
import { downloadServices, RUNBOOK, type FdfsLayout } from './fdfs-layout.ts';

/** The download pair as the software shows it: both nginx answer HTTP, the VIP on the first, files come through it. */
export function downloadProbes(l: FdfsLayout): Probe[] {
  const d = l.f.download;
  if (d === undefined) return [];
  const s = downloadServices(d);
  const [holder = '', backup = ''] = d.hosts;
  return [
    serviceProbe(s.nginx, 'running', [holder, backup]),
    serviceProbe(s.keepalived, 'running', [holder, backup]),
    addressOnHostProbe(d.vip, holder),
    downloadProbe(l, d.vip, d.port, l.f.storage.hosts[0] ?? holder),
  ];
}

/**
 * The seed's download pair ("外加两个nginx来专门做文件下载的负载(是需要vip的)"): ADM deploys two nginx that balance
 * downloads over the storages' nginx, behind keepalived with the VIP, the first host holding it. Deployed after
 * the trackers and before the storages, so downloads keep coming through the VIP while the storages are
 * redeployed one at a time. Verified by the software: both answer HTTP, the VIP is held, recorded files come
 * through it byte for byte.
 */
export function downloadPairStep(l: FdfsLayout): StepInput | undefined {
  const { f, spec } = l;
  const d = f.download;
  const storageNginx = f.nginx;
  if (d === undefined) return undefined;
  if (storageNginx === undefined)
    throw new RunbookInvalidError(
      RUNBOOK,
      undefined,
      `${f.name} has a download pair but no storage nginx (middleware.fastdfs.nginx) for it to balance over`,
    );
  const instance = componentInstance(f.admInstance, 'Download');
  const upstreams = storageNginx.hosts.map((h) => `${addressOf(spec, h)}:${storageNginx.port}`);
  const s = downloadServices(d);
  return admInstallStep({
    id: 'f06-adm-download',
    product: `FastDFS download pair (nginx + keepalived, VIP ${d.vip})`,
    instance,
    hosts: d.hosts,
    adm: l.adm,
    parameters: {
      vip: d.vip,
      'VIP holder (master)': d.hosts[0] ?? '',
      backup: d.hosts[1] ?? '',
      port: String(d.port),
      upstreams: upstreams.join(','),
      home: d.home,
    },
    standIn: (host, i) =>
      sh`${l.adm ?? ''} install nginx-lb --instance ${instance} --role ${i === 0 ? 'master' : 'backup'} --vip ${d.vip} --peer ${addressOf(spec, d.hosts[1 - i] ?? host)} --port ${d.port} --upstreams ${upstreams.join(',')} --home ${d.home}`,
    service: s.nginx,
    alsoVerify: downloadProbes(l).slice(1),
  });
}
