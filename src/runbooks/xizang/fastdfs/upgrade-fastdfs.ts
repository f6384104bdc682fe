import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { copyTree, fdfsLayout, manifestDigest, recordStep, trackerSteps, type FdfsLayout } from './fastdfs-steps.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import {
  addressOf,
  bakOf,
  componentInstance,
  hostTargets,
  initScript,
  parentOf,
  requireSpec,
  topDir,
} from '../shared/xizang-site.ts';

const RUNBOOK = 'upgrade-fastdfs';

/** One storage host's turn: stop storaged and nginx, back up, ADM deploy, copy the files in, restart, compare. */
function storageSteps(l: FdfsLayout, host: string, n: number): StepInput[] {
  const { f, spec } = l;
  const nginx = f.nginx?.hosts.includes(host) === true ? f.nginx : undefined;
  const oldServices = [f.storage.service, ...(nginx ? [nginx.service] : [])];
  const storageInstance = componentInstance(f.admInstance, 'Storage');
  const nginxInstance = componentInstance(f.admInstance, 'Nginx');
  const trackers = l.trackers.map((h) => `${addressOf(spec, h)}:${f.tracker.port}`).join(',');
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
    sh`service ${l.services.storage} restart`,
    ...(nginx ? [sh`service ${l.services.nginx} restart`] : []),
  ].join(' && ');
  const same = l.stores.map((s, i): { kind: 'output-matches'; command: string; pattern: string } => ({
    kind: 'output-matches',
    command: sh`b=$(sed 's/^[^ ]* //' ${`${l.stateDir}/store${i}-before`}); a=$(${raw(manifestDigest(s.to))} | sed 's/^[^ ]* //'); echo "before: $b"; echo "now: $a"; [ -n "$b" ] && [ "$a" = "$b" ] && echo files-equal`,
    pattern: '^files-equal$',
  }));
  const id = (what: string) => `f${String(6 + n * 4).padStart(2, '0')}-${what}-${host}`;
  return [
    stopServicesStep({
      id: id('stop'),
      title: `Stop ${oldServices.join(' and ')} on ${host}`,
      prompt: `Stop the FastDFS storage${nginx ? ' and nginx' : ''} on ${host}?`,
      hosts: [{ host, services: oldServices }],
    }),
    moveAsideStep({
      id: `f${String(7 + n * 4).padStart(2, '0')}-backup-${host}`,
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
      id: `f${String(8 + n * 4).padStart(2, '0')}-adm-storage-${host}`,
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
      service: l.services.storage,
      ...(nginx ? { alsoInstances: [nginxInstance] } : {}),
    }),
    {
      kind: 'action',
      id: `f${String(9 + n * 4).padStart(2, '0')}-copy-files-${host}`,
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
      verify: [{ kind: 'service', name: l.services.storage, state: 'running' }, ...same],
      irreversible: {
        reason: `only adds files to the new instance (its ADM uninstall removes them); ${l.stores.map((s) => s.from).join(', ')} stay untouched`,
      },
    },
  ];
}

/** The new instance as fdfs_monitor sees it through all its trackers: every tracker and every storage ACTIVE. */
function verifyStep(l: FdfsLayout): StepInput {
  const { f, spec } = l;
  const host = l.trackers[0] ?? '';
  const conf = `${l.stateDir}/client.conf`;
  const lines = [
    'connect_timeout=5',
    'network_timeout=30',
    'base_path=/tmp',
    ...l.trackers.map((h) => `tracker_server=${addressOf(spec, h)}:${f.tracker.port}`),
  ];
  const monitor = sh`printf ${'%s\\n'} ${lines} > ${conf} && fdfs_monitor ${conf}`;
  return {
    kind: 'check',
    id: 'f99-verify',
    title: `Verify ${f.name}: ${l.trackers.length} trackers answer and ${f.storage.hosts.length} storage(s) of ${f.storage.group} are ACTIVE`,
    targets: hostTargets([host]),
    commands: [
      { host, command: sh`mkdir -p -m 700 ${l.stateDir} && ${raw(monitor)} | grep -E 'server_count|ip_addr'` },
    ],
    verify: [
      { kind: 'output-matches', command: monitor, pattern: `server_count=${l.trackers.length}\\b` },
      {
        kind: 'output-matches',
        command: sh`${raw(monitor)} | grep -c 'ACTIVE'`,
        pattern: `^[${f.storage.hosts.length}-9]`,
      },
    ],
  };
}

/**
 * `/upgrade <site> fastdfs`: trackers first (three in one ADM instance, the spare included), then the storages
 * one host at a time, the stored files copied into ADM's layout and compared (count and checksums) with the
 * record taken before.
 */
export const upgradeFastdfs = defineRunbook({
  id: RUNBOOK,
  title: 'Redeploy FastDFS through ADM: three trackers, then the storages one at a time',
  args: z.object({ instance: z.string().min(1).optional() }),
  build(site, { instance }) {
    const spec = requireSpec(RUNBOOK, site);
    const f =
      instance === undefined ? spec.middleware.fastdfs[0] : spec.middleware.fastdfs.find((x) => x.name === instance);
    if (f === undefined)
      throw new RunbookInvalidError(
        RUNBOOK,
        undefined,
        `site ${spec.id} has no FastDFS${instance === undefined ? '' : ` named ${instance}`} in middleware.fastdfs`,
      );
    const l = fdfsLayout(spec, f);
    const record = recordStep(l);
    const tracker = trackerSteps(l);
    const storages = f.storage.hosts.flatMap((h, i) => storageSteps(l, h, i));
    // Every backup path is checked first too: one already there stops the run before anything is touched.
    const early = [...tracker, ...storages].flatMap((s) =>
      s.kind === 'action' && s.id.includes('backup')
        ? (s.preconditions ?? []).filter((p) => p.kind === 'path-absent' || p.kind === 'path-exists')
        : [],
    );
    record.preconditions = early;
    return {
      runbook: RUNBOOK,
      site: site.name,
      title: `Upgrade FastDFS ${f.name} at ${spec.id} through ADM`,
      args: instance === undefined ? {} : { instance },
      steps: [record, ...tracker, ...storages, verifyStep(l)],
    };
  },
});
