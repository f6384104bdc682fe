import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { serviceProbe } from '../shared/site-services.ts';
import { bakOf, componentInstance, hostTargets, initScript, parentOf, topDir } from '../shared/xizang-site.ts';
import { downloadProbe } from './fdfs-checks.ts';
import type { FdfsLayout } from './fdfs-layout.ts';
import { copyTree, manifestDigest, restartServices } from './fastdfs-steps.ts';

/** Files keep coming through the download VIP (from the other storage) while `host`'s storage is down. */
function stillDownloads(l: FdfsLayout, host: string): Probe[] {
  const d = l.f.download;
  return d === undefined ? [] : [downloadProbe(l, d.vip, d.port, host)];
}

/**
 * One storage host's turn (the `n`-th, ids from `first`): stop storaged and nginx, back up, ADM deploy, copy the
 * files in, restart, compare with the record.
 */
export function storageSteps(l: FdfsLayout, host: string, n: number, first: number): StepInput[] {
  const { f } = l;
  const nginx = f.nginx?.hosts.includes(host) === true ? f.nginx : undefined;
  const oldServices = [l.old.storage, ...(nginx && l.old.nginx ? [l.old.nginx] : [])];
  const newServices = [l.next.storage, ...(nginx && l.next.nginx ? [l.next.nginx] : [])];
  const storageInstance = componentInstance(f.admInstance, 'Storage');
  const nginxInstance = componentInstance(f.admInstance, 'Nginx');
  const trackers = l.trackers.map((t) => `${t.address}:${f.tracker.port}`).join(',');
  const store = l.stores[0]?.to ?? '/mysql/fastdfs/storage/data';
  const install = [
    sh`${l.adm ?? ''} install fdfs-storage --instance ${storageInstance} --group ${f.storage.group} --trackers ${trackers} --port ${f.storage.port} --base ${l.storageBase} --data ${store}`,
    ...(nginx
      ? [
          sh`${l.adm ?? ''} install nginx --instance ${nginxInstance} --group ${f.storage.group} --port ${nginx.port} --store ${parentOf(store)}`,
        ]
      : []),
  ].join(' && ');
  const copy = [
    copyTree(bakOf(f.storage.base), l.storageBase),
    ...l.stores.map((s) => copyTree(s.from, s.to)),
    restartServices(newServices),
  ].join(' && ');
  const same = l.stores.map((s, i): Probe => ({
    kind: 'output-matches',
    command: sh`b=$(sed 's/^[^ ]* //' ${`${l.stateDir}/store${i}-before`}); a=$(${raw(manifestDigest(s.to))} | sed 's/^[^ ]* //'); echo "before: $b"; echo "now: $a"; [ -n "$b" ] && [ "$a" = "$b" ] && echo files-equal`,
    pattern: '^files-equal$',
  }));
  const id = (k: number, what: string) => `f${String(first + n * 4 + k).padStart(2, '0')}-${what}-${host}`;
  const stop = stopServicesStep({
    id: id(0, 'stop'),
    title: `Stop ${oldServices.map((s) => s.name).join(' and ')} on ${host}`,
    prompt: `Stop the FastDFS storage${nginx ? ' and nginx' : ''} on ${host}?`,
    hosts: [{ host, services: oldServices }],
  });
  return [
    { ...stop, verify: [...(stop.verify ?? []), ...stillDownloads(l, host)] },
    moveAsideStep({
      id: id(1, 'backup'),
      title: `Back up the storage base, nginx and their init scripts on ${host} by mv to _bak`,
      prompt: `Move the storage base, nginx and their init scripts to _bak on ${host}?`,
      hosts: [
        {
          host,
          paths: [
            f.storage.base,
            ...(nginx ? [nginx.home] : []),
            initScript(f.storage.service),
            ...(nginx ? [initScript(nginx.service)] : []),
          ],
        },
      ],
      free: { path: topDir(l.storageBase), minBytes: 64 * 1024 * 1024 },
    }),
    admInstallStep({
      id: id(2, 'adm-storage'),
      product: `FastDFS storage of ${f.storage.group}${nginx ? ' and its nginx' : ''} on ${host}`,
      instance: storageInstance,
      hosts: [host],
      adm: l.adm,
      parameters: {
        group: f.storage.group,
        trackers,
        base: l.storageBase,
        'store path': store,
        ...(nginx ? { 'nginx instance': nginxInstance, 'nginx port': String(nginx.port) } : {}),
      },
      standIn: () => install,
      service: l.next.storage,
      ...(nginx ? { alsoInstances: [nginxInstance] } : {}),
    }),
    {
      kind: 'action',
      id: id(3, 'copy-files'),
      title: `Copy the storage base and the stored files into the new instance on ${host}, restart, compare`,
      targets: hostTargets([host]),
      destructive: true,
      gate: {
        prompt: `Copy the stored files of ${host} into ${l.stores.map((s) => s.to).join(', ')} and restart storaged${nginx ? ' and nginx' : ''}?`,
      },
      preconditions: [
        ...l.stores.map((s) => ({ kind: 'path-exists' as const, path: s.from })),
        { kind: 'path-exists', path: l.storageBase },
      ],
      commands: [{ host, command: copy, timeoutMs: 600_000 }],
      verify: [...newServices.map((s) => serviceProbe(s, 'running')), ...same],
      irreversible: {
        reason: `only adds files to the new instance (its ADM uninstall removes them); ${l.stores.map((s) => s.from).join(', ')} stay untouched`,
      },
    },
  ];
}
