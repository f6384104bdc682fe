import type { StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import type { Fastdfs } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { addressOf, bakOf, componentInstance, hostTargets, initScript, topDir } from '../shared/xizang-site.ts';

/** Where everything of the FastDFS phase is, today and after the ADM redeploy. */
export interface FdfsLayout {
  readonly spec: SiteFile;
  readonly f: Fastdfs;
  readonly adm: string | undefined;
  /** Old trackers and the spares: the new instance's three trackers. */
  readonly trackers: readonly string[];
  readonly trackerBase: string;
  readonly storageBase: string;
  /** Old store path (…/data) → new one, in order. */
  readonly stores: readonly { readonly from: string; readonly to: string }[];
  readonly services: { readonly tracker: string; readonly storage: string; readonly nginx: string };
  readonly stateDir: string;
}

export function fdfsLayout(spec: SiteFile, f: Fastdfs): FdfsLayout {
  const newStores = f.storage.admLayout?.storePaths ?? ['/mysql/fastdfs/storage/data'];
  return {
    spec,
    f,
    adm: spec.adm.mode === 'scripted' ? spec.adm.command : undefined,
    trackers: [...new Set([...f.tracker.hosts, ...f.spares])],
    trackerBase: f.tracker.admLayout?.base ?? '/mysql/fastdfs/tracker_base',
    storageBase: f.storage.admLayout?.base ?? '/mysql/fastdfs/storage_base',
    stores: f.storage.storePaths.map((from, i) => ({
      from,
      to: newStores[i] ?? newStores[0] ?? '/mysql/fastdfs/storage/data',
    })),
    services: {
      tracker: f.tracker.admLayout?.service ?? 'trackerd',
      storage: f.storage.admLayout?.service ?? 'storaged',
      nginx: f.nginx?.admLayout?.service ?? 'nginx',
    },
    stateDir: `/var/lib/opsgate/${f.name}`,
  };
}

/** `COUNT SHA256` of the sorted `sha256sum` manifest of every file under `dir` (names relative to it). */
export function manifestDigest(dir: string): string {
  return sh`cd ${dir} && find . -type f | LC_ALL=C sort | xargs -r sha256sum | { m=$(cat); printf '%s files=%s sha256=%s\n' ${dir} "$(printf '%s' "$m" | grep -c .)" "$(printf '%s\n' "$m" | sha256sum | cut -c1-64)"; }`;
}

/** Copies the contents of `from` into `to` (existing files overwritten), pid files left out. */
export function copyTree(from: string, to: string): string {
  return sh`mkdir -p ${to} && tar -C ${from} --exclude=${'*.pid'} -cf - . | tar -C ${to} -xpf -`;
}

/** 1. Record the group, the buckets and the file manifest of every storage, on the storage hosts. */
export function recordStep(l: FdfsLayout): StepInput {
  const { f } = l;
  const cmd = () =>
    [
      sh`mkdir -p -m 700 ${l.stateDir}`,
      sh`echo "group: $(sed -n 's/^group_name=//p' ${f.storage.config})"`,
      sh`echo "store paths: $(grep '^store_path[0-9]' ${f.storage.config} | tr '\\n' ' ')"`,
      ...l.stores.map(
        (s, i) =>
          sh`echo "buckets of store ${i}: $(ls ${s.from} | tr '\\n' ' ')" && ${raw(manifestDigest(s.from))} > ${`${l.stateDir}/store${i}-before`} && cat ${`${l.stateDir}/store${i}-before`}`,
      ),
    ].join(' && ');
  return {
    kind: 'action',
    id: 'f01-record',
    title: `Record group, buckets, file count and checksums of the storages of ${f.name}`,
    targets: hostTargets(f.storage.hosts),
    commands: f.storage.hosts.map((host) => ({ host, command: cmd() })),
    irreversible: { reason: 'only writes the record of the files (count and checksums) for the verification' },
  };
}

/** 2-5. Trackers: stop, back up, ADM deploy of three trackers in one instance, copy the old base dirs in. */
export function trackerSteps(l: FdfsLayout): StepInput[] {
  const { f, spec } = l;
  const instance = componentInstance(f.admInstance, 'Tracker');
  const ips = l.trackers.map((h) => addressOf(spec, h));
  const copy = `${copyTree(bakOf(f.tracker.base), l.trackerBase)} && ${sh`service ${l.services.tracker} restart`}`;
  return [
    stopServicesStep({
      id: 'f02-stop-trackers',
      title: `Stop the trackers on ${f.tracker.hosts.join(', ')}`,
      prompt: `Stop the FastDFS trackers of ${f.name}?`,
      hosts: f.tracker.hosts.map((host) => ({ host, services: [f.tracker.service] })),
    }),
    moveAsideStep({
      id: 'f03-backup-trackers',
      title: 'Back up the tracker base dirs and init scripts by mv to _bak',
      prompt: `Move ${f.tracker.base} and ${initScript(f.tracker.service)} to _bak on ${f.tracker.hosts.join(', ')}?`,
      hosts: f.tracker.hosts.map((host) => ({ host, paths: [f.tracker.base, initScript(f.tracker.service)] })),
      free: { path: topDir(l.trackerBase), minBytes: 64 * 1024 * 1024 },
    }),
    admInstallStep({
      id: 'f04-adm-trackers',
      product: `FastDFS trackers (${l.trackers.length}, the new ${f.spares.join(', ') || 'none'} included)`,
      instance,
      hosts: l.trackers,
      adm: l.adm,
      parameters: { trackers: ips.join(','), port: String(f.tracker.port), base: l.trackerBase },
      standIn: () =>
        sh`${l.adm ?? ''} install fdfs-tracker --instance ${instance} --hosts ${ips.join(',')} --port ${f.tracker.port} --base ${l.trackerBase}`,
      service: l.services.tracker,
    }),
    {
      kind: 'action',
      id: 'f05-copy-tracker-base',
      title: `Copy the old tracker data and logs into ${l.trackerBase} and restart the trackers`,
      targets: hostTargets(f.tracker.hosts, { oneAtATime: true }),
      destructive: true,
      gate: {
        prompt: `Copy ${bakOf(f.tracker.base)} into ${l.trackerBase} and restart the tracker on ${f.tracker.hosts.join(', ')}?`,
      },
      preconditions: [
        { kind: 'path-exists', path: bakOf(f.tracker.base) },
        { kind: 'path-exists', path: l.trackerBase },
      ],
      commands: f.tracker.hosts.map((host) => ({ host, command: copy })),
      verify: [{ kind: 'service', name: l.services.tracker, state: 'running' }],
      irreversible: {
        reason: `only adds the old tracker data to the new instance (its ADM uninstall removes it); ${bakOf(f.tracker.base)} keeps the original`,
      },
    },
  ];
}
