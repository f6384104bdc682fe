import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { portListening } from '../../../core/plan/service-probe.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { progressMark } from '../../../core/plan/progress-mark.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { controlService, serviceProbe, type SiteService } from '../shared/site-services.ts';
import { bakOf, componentInstance, hostTargets, initScript, topDir } from '../shared/xizang-site.ts';
import { fdfsConfValue, NORM_PATH_FN, normPath } from './fdfs-conf.ts';
import { MONITOR_FORM } from './fdfs-checks.ts';
import type { FdfsLayout } from './fdfs-layout.ts';

/** `COUNT SHA256` of the sorted `sha256sum` manifest of every file under `dir` (names relative to it). */
export function manifestDigest(dir: string): string {
  return sh`cd ${dir} && find . -type f | LC_ALL=C sort | xargs -r sha256sum | { m=$(cat); printf '%s files=%s sha256=%s\n' ${dir} "$(printf '%s' "$m" | grep -c .)" "$(printf '%s\n' "$m" | sha256sum | cut -c1-64)"; }`;
}

/**
 * Copies the contents of `from` into `to` (existing files overwritten), pid files left out. A large store takes
 * minutes, so tar reports how far it is: every 1024 records of 10 KiB (`-b 20`), a `##progress` line (`%u` is
 * tar's record count, so `%u0` is KiB read) against `du -sk` of the source (headers and padding make tar's count
 * run a little past it for small files). The engine shows these as the step's progress.
 */
export function copyTree(from: string, to: string): string {
  const mark = `echo=${progressMark(`copy ${from} -> ${to}`)}%u0 KiB of about `;
  return sh`mkdir -p ${to} && kb=$(du -sk ${from} | cut -f1) && tar -C ${from} --exclude=${'*.pid'} -b 20 --checkpoint=1024 --checkpoint-action=${mark}"$kb"${' KiB read'} -cf - . | tar -C ${to} -xpf -`;
}

/**
 * Restarts `services` through the host's service manager (`systemctl restart` where systemd runs, else the init
 * script's `restart`), as the seed does, then waits up to 60 s until each one's process runs and its port listens.
 * Not a stop and a start: ADM's guard (vesta) starts a stopped service again within a second, so "stopped" would
 * be a race; a restart holds the service's lock until it is up again.
 */
export function restartServices(services: readonly SiteService[]): string {
  return services.map((s) => controlService(s, 'restart')).join(' && ');
}

/** A check line: `ok: WHAT` when `test` holds, else `NOT ok on HOST: WHAT (found: …)` and a failure later. */
function expect(test: string, what: string, found: string): string {
  return `if ${test}; then echo ${sh`${`ok: ${what}`}`}; else echo "NOT ok on $(hostname): "${sh`${what}`}" (found: ${found})"; bad=1; fi`;
}

/** `v=$(value of KEY in FILE as FastDFS reads it)`; a file that cannot be read fails the check. */
function read(variable: string, file: string, key: string, fallback?: string): string {
  const dflt = fallback === undefined ? '' : ` || ${variable}=${fallback}`;
  return `${variable}=$(${fdfsConfValue(file, key)})${dflt}; [ -r ${sh`${file}`} ] || { echo ${sh`${`NOT ok: ${file} cannot be read`}`}; bad=1; }`;
}

/**
 * 0. Before anything is touched: the site file's paths, group and port are what the running FastDFS reads from its
 * config files (read as FastDFS reads them: includes, last value, blanks, trailing slashes); the new tracker's
 * address is on its host with the tracker port free there; `fdfs_monitor` has a known `-h` form; every backup
 * path is still free. A difference stops the run here, naming host, file and value.
 */
export function inspectStep(l: FdfsLayout, preconditions: Probe[]): StepInput {
  const { f } = l;
  const storePaths = l.stores.map((s, i) =>
    expect(
      `[ "$(norm "$s${i}")/data" = ${sh`${normPath(s.from)}`} ]`,
      `${f.storage.config}: store_path${i} is ${normPath(s.from).replace(/\/data$/, '')}`,
      '$s' + String(i),
    ),
  );
  const storage = [
    NORM_PATH_FN,
    'bad=0',
    read('g', f.storage.config, 'group_name'),
    read('b', f.storage.config, 'base_path'),
    ...l.stores.map((_, i) => read(`s${i}`, f.storage.config, `store_path${i}`, i === 0 ? '"$b"' : undefined)),
    expect(sh`[ "$g" = ${f.storage.group} ]`, `${f.storage.config}: group_name is ${f.storage.group}`, '$g'),
    expect(
      sh`[ "$(norm "$b")" = ${normPath(f.storage.base)} ]`,
      `${f.storage.config}: base_path is ${f.storage.base}`,
      '$b',
    ),
    ...storePaths,
    '[ $bad -eq 0 ]',
  ].join('; ');
  const tracker = [
    NORM_PATH_FN,
    'bad=0',
    read('b', f.tracker.config, 'base_path'),
    read('p', f.tracker.config, 'port', '22122'),
    expect(
      sh`[ "$(norm "$b")" = ${normPath(f.tracker.base)} ]`,
      `${f.tracker.config}: base_path is ${f.tracker.base}`,
      '$b',
    ),
    expect(sh`[ "$p" = ${String(f.tracker.port)} ]`, `${f.tracker.config}: port is ${f.tracker.port}`, '$p'),
    '[ $bad -eq 0 ]',
  ].join('; ');
  const added = l.added?.tracker;
  const newTracker =
    added === undefined
      ? undefined
      : [
          'bad=0',
          expect(
            sh`ip -o addr show | awk '{ sub(/\\/.*/, "", $4); print $4 }' | grep -Fxq -- ${added.address}`,
            `${added.address} (the new tracker's address) is on this host`,
            '$(hostname -I)',
          ),
          expect(
            `! ${portListening(f.tracker.port)}`,
            `nothing listens on the tracker port ${f.tracker.port} yet`,
            'a listener',
          ),
          '[ $bad -eq 0 ]',
        ].join('; ');
  const verifyHost = f.storage.hosts[0] ?? '';
  const byHost = new Map<string, string[]>();
  const add = (host: string, cmd: string) => byHost.set(host, [...(byHost.get(host) ?? []), cmd]);
  for (const h of f.storage.hosts) add(h, storage);
  for (const h of f.tracker.hosts) add(h, tracker);
  if (added !== undefined && newTracker !== undefined) add(added.host, newTracker);
  add(verifyHost, `${MONITOR_FORM}; echo "ok: fdfs_monitor takes -h in the $form form"`);
  return {
    kind: 'check',
    id: 'f00-inspect',
    title: `Check that ${f.name}'s config files, as FastDFS reads them, say what the site file says`,
    targets: hostTargets([...byHost.keys()]),
    preconditions,
    commands: [...byHost].map(([host, cmds]) => ({ host, command: cmds.map((c) => `( ${c} )`).join(' && ') })),
    verify: [
      ...f.tracker.hosts.map((h) => serviceProbe(l.old.tracker, 'running', [h])),
      ...f.storage.hosts.map((h) => serviceProbe(l.old.storage, 'running', [h])),
    ],
  };
}

/** 1. Record the group, the buckets and the file manifest of every storage, on the storage hosts. */
export function recordStep(l: FdfsLayout): StepInput {
  const { f } = l;
  const cmd = [
    sh`mkdir -p -m 700 ${l.stateDir}`,
    `echo "group: $(${fdfsConfValue(f.storage.config, 'group_name')})"`,
    ...l.stores.map((s, i) => {
      const manifest = `${l.stateDir}/store${i}-manifest`;
      const before = `${l.stateDir}/store${i}-before`;
      return [
        sh`echo "buckets of store ${i}: $(ls ${s.from} | tr '\\n' ' ')"`,
        sh`(cd ${s.from} && find . -type f | LC_ALL=C sort | xargs -r sha256sum) > ${manifest}`,
        sh`${raw(manifestDigest(s.from))} > ${before} && cat ${before}`,
      ].join(' && ');
    }),
  ].join(' && ');
  return {
    kind: 'action',
    id: 'f01-record',
    title: `Record group, buckets, file count and checksums of the storages of ${f.name}`,
    targets: hostTargets(f.storage.hosts),
    commands: f.storage.hosts.map((host) => ({ host, command: cmd })),
    irreversible: { reason: 'only writes the record of the files (count and checksums) for the verification' },
  };
}

/** 2-5. Trackers: stop, back up, ADM deploy of every tracker in one instance, copy the old base dirs in. */
export function trackerSteps(l: FdfsLayout): StepInput[] {
  const { f } = l;
  const instance = componentInstance(f.admInstance, 'Tracker');
  const ips = l.trackers.map((t) => t.address);
  const hosts = l.trackers.map((t) => t.host);
  const added = l.added;
  const copy = `${copyTree(bakOf(f.tracker.base), l.trackerBase)} && ${restartServices([l.next.tracker])}`;
  return [
    stopServicesStep({
      id: 'f02-stop-trackers',
      title: `Stop the trackers on ${f.tracker.hosts.join(', ')}`,
      prompt: `Stop the FastDFS trackers of ${f.name}?`,
      hosts: f.tracker.hosts.map((host) => ({ host, services: [l.old.tracker] })),
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
      product: `FastDFS trackers (${l.trackers.length}, the new ${added?.tracker.host ?? (f.spares.join(', ') || 'none')} included)`,
      instance,
      hosts,
      adm: l.adm,
      parameters: {
        trackers: ips.map((ip) => `${ip}:${f.tracker.port}`).join(','),
        port: String(f.tracker.port),
        base: l.trackerBase,
        ...(added === undefined
          ? {}
          : {
              'new tracker': `${added.tracker.host} at ${added.tracker.address}, its address in the network of the other trackers${added.otherAddresses.length > 0 ? ` (not ${added.otherAddresses.join(', ')}: the site's address for it in another network zone)` : ''}`,
            }),
      },
      standIn: () =>
        sh`${l.adm ?? ''} install fdfs-tracker --instance ${instance} --hosts ${ips.join(',')} --port ${f.tracker.port} --base ${l.trackerBase}`,
      service: l.next.tracker,
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
      verify: [serviceProbe(l.next.tracker, 'running')],
      irreversible: {
        reason: `only adds the old tracker data to the new instance (its ADM uninstall removes it); ${bakOf(f.tracker.base)} keeps the original`,
      },
    },
  ];
}
