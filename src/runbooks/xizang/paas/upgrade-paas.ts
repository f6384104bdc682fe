import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { Paas } from '../../../core/sites/paas-schema.ts';
import { hostsInGroup } from '../../../core/sites/resolve-targets.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { appHealthEvaluator, appHealthStep, appsByHost } from './paas-health.ts';
import { appService } from './paas-services.ts';
import { restartCommand } from '../shared/service-steps.ts';
import { serviceProbe } from '../shared/site-services.ts';
import { paasUploadProgram, PAAS_UPLOAD_PROGRAM } from './paas-upload-program.ts';
import { versionsEvaluator } from '../precheck/versions-evaluator.ts';
import { configureAppsStep } from './paas-configure-step.ts';
import { versionsStep } from '../precheck/precheck-steps.ts';
import { bakOf, hostTargets, parentOf, requireSpec } from '../shared/xizang-site.ts';
import { siteCheckPrograms, siteCheckStep } from '../site-check/site-check-step.ts';

const RUNBOOK = 'upgrade-paas';
const STAGING = '/var/lib/opsgate/paas-upload';

type Package = Paas['packages'][number];
const fileOf = (p: Package) => p.target.slice(p.target.lastIndexOf('/') + 1);
/** The directory a package replaces (the seed's SPRINGBOOT): where its target file lives. */
const dirOf = (p: Package) => parentOf(p.target);
const stagedOf = (p: Package) => `${STAGING}/${fileOf(p)}`;

/**
 * Unpacks a staged package into its directory: a zip into the directory; a tarball whose entries all sit under
 * the directory's own name (`pyscript/…`) into its parent, else into the directory; the top-level directories
 * the archive brings are emptied first so that no file of the old release stays next to the new one.
 */
function installCommand(p: Package): string {
  const dir = dirOf(p);
  const staged = stagedOf(p);
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  const chown = p.owner === undefined ? '' : ` && ${sh`chown -R ${p.owner.replace('.', ':')} -- ${dir}`}`;
  if (/\.zip$/i.test(staged)) return `${sh`unzip -qo ${staged} -d ${dir} && cp -p -- ${staged} ${p.target}`}${chown}`;
  return (
    [
      sh`root=${dir}; if ! tar -tzf ${staged} | grep -qv ${`^${name}/`}; then root=${parentOf(dir)}; fi`,
      sh`for d in $(tar -tzf ${staged} | grep / | cut -d/ -f1 | sort -u); do rm -rf -- "$root/$d"; done`,
      sh`tar -xzf ${staged} -C "$root" && mkdir -p ${dir} && cp -p -- ${staged} ${p.target}`,
    ].join(' && ') + chown
  );
}

/**
 * The backup of one directory. `move` is the seed's SPRINGBOOT step (`mv … SPRINGBOOT_BAK/ && mkdir SPRINGBOOT/`),
 * with the project's `_bak` name and `-T` (never into an existing backup); the fresh directory gets the old one's
 * owner and mode. `copy` keeps the directory in place for what the package does not bring.
 */
function backupCommand(dir: string, how: Package['backup']): string {
  if (how === 'copy') return sh`cp -a -- ${dir} ${bakOf(dir)}`;
  return sh`mv -T -- ${dir} ${bakOf(dir)} && mkdir -- ${dir} && chown --reference=${bakOf(dir)} -- ${dir} && chmod --reference=${bakOf(dir)} -- ${dir}`;
}

/**
 * `/upgrade <site> paas`: the seed's pypssh steps on the PaaS group, for every package the site file names
 * (SpringBoot scripts, pyscript, the 3.1.6 platform jars, the yum repo): upload by SFTP with a checksum, back up
 * (each package's `backup`: the seed's mv + mkdir, or a copy), unpack, chown, restart the platform applications,
 * check their health URLs over HTTP, verify the versions.
 */
export const upgradePaas = defineRunbook({
  id: RUNBOOK,
  title: 'Update the PaaS platform: SpringBoot scripts, pyscript, platform jars, yum repo',
  args: z.object({}),
  build(site) {
    const spec = requireSpec(RUNBOOK, site);
    const paas = spec.paas;
    const hosts =
      paas === undefined
        ? []
        : [
            ...new Set([
              ...(paas.hosts ?? []),
              ...(paas.groups ?? []).flatMap((g) => hostsInGroup(spec, g).map((h) => h.name)),
            ]),
          ];
    if (paas === undefined || hosts.length === 0 || paas.packages.length === 0) {
      throw new RunbookInvalidError(
        RUNBOOK,
        undefined,
        `site ${spec.id} names no PaaS hosts or packages (paas.groups / paas.packages)`,
      );
    }
    const targets = hostTargets(hosts, { group: paas.groups?.[0] ?? 'paas' });
    const dirs = paas.packages.map(dirOf);
    const backups = paas.packages.map((p) => ({ dir: dirOf(p), how: p.backup }));
    const moved = backups.filter((b) => b.how === 'move').map((b) => b.dir);
    const copied = backups.filter((b) => b.how === 'copy').map((b) => b.dir);
    const byHost = appsByHost(spec, paas, hosts);
    const apps = new Map([...byHost].map(([h, list]) => [h, list.map(appService)]));
    const appProbes = (state: 'running'): Probe[] =>
      [...apps].flatMap(([h, list]) => list.map((svc) => serviceProbe(svc, state, [h])));
    const restart = (h: string) => restartCommand(apps.get(h) ?? []) || 'true';
    // Only a copy needs room next to the directory; a move stays on the same file system.
    const free = copied.map((d): Probe => ({ kind: 'free-disk', path: parentOf(d), minBytes: 256 * 1024 * 1024 }));
    const health = appHealthStep('a07-app-health', byHost);
    const backupTitle = [
      moved.length > 0 ? `move ${moved.join(', ')} to _bak (the seed's mv + mkdir)` : '',
      copied.length > 0 ? `copy ${copied.join(', ')} to _bak` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const inspect = {
      ...versionsStep(paas, hosts),
      id: 'a01-inspect',
      title: 'Versions before the update',
      advisory: true,
      evaluator: 'upgrade-paas.versions',
    };
    inspect.preconditions = [
      ...dirs.flatMap((d): Probe[] => [
        { kind: 'path-exists', path: d },
        { kind: 'path-absent', path: bakOf(d) },
      ]),
    ];
    const steps: StepInput[] = [
      siteCheckStep(RUNBOOK, spec, {
        id: 'a00-site-check',
        title: 'The live site against the site file: any difference on the PaaS hosts stops the run here',
        scope: { what: 'the PaaS platform (paas) and its hosts', sections: [['paas']], hosts },
      }),
      inspect,
      {
        kind: 'action',
        id: 'a02-upload',
        title: `Upload ${paas.packages.map(fileOf).join(', ')} by SFTP to ${STAGING}, checksums verified on each host`,
        targets,
        program: {
          id: PAAS_UPLOAD_PROGRAM,
          args: {
            packages: paas.packages.map((p) => ({
              name: p.name,
              source: p.source,
              staged: stagedOf(p),
              sha256: p.sha256 ?? null,
            })),
          },
        },
        irreversible: { reason: `only stages files in ${STAGING}; nothing that runs is touched` },
      },
      {
        kind: 'action',
        id: 'a03-backup',
        title: `Back up: ${backupTitle}`,
        targets,
        destructive: true,
        gate: { prompt: `Back up on ${hosts.join(', ')}: ${backupTitle}?` },
        preconditions: [
          ...dirs.flatMap((d): Probe[] => [
            { kind: 'path-exists', path: d },
            { kind: 'path-absent', path: bakOf(d) },
          ]),
          ...free,
        ],
        commands: hosts.map((host) => ({
          host,
          command: backups.map((b) => backupCommand(b.dir, b.how)).join(' && '),
        })),
        verify: dirs.flatMap((d): Probe[] => [
          { kind: 'path-exists', path: bakOf(d) },
          { kind: 'path-exists', path: d },
        ]),
        rollback: {
          steps: [
            {
              kind: 'action',
              id: 'a03-backup-restore',
              title: `Put the _bak copies back in place of ${dirs.join(', ')} and restart the platform applications`,
              targets,
              destructive: true,
              preconditions: dirs.map((d): Probe => ({ kind: 'path-exists', path: bakOf(d) })),
              commands: hosts.map((host) => ({
                host,
                command: [...dirs.map((d) => sh`rm -rf -- ${d} && mv -T -- ${bakOf(d)} ${d}`), restart(host)].join(
                  ' && ',
                ),
              })),
              verify: [...dirs.map((d): Probe => ({ kind: 'path-absent', path: bakOf(d) })), ...appProbes('running')],
            },
          ],
        },
      },
      {
        kind: 'action',
        id: 'a04-install',
        title: `Unpack the packages into ${dirs.join(', ')} and chown them`,
        targets,
        destructive: true,
        gate: {
          prompt: `Unpack ${paas.packages.map(fileOf).join(', ')} over the running release on ${hosts.join(', ')}?`,
        },
        preconditions: paas.packages.flatMap((p): Probe[] => [
          { kind: 'path-exists', path: stagedOf(p) },
          { kind: 'path-exists', path: bakOf(dirOf(p)) },
        ]),
        commands: hosts.map((host) => ({ host, command: paas.packages.map(installCommand).join(' && ') })),
        irreversible: { reason: 'the backup step before it holds the old release; its rollback puts it back' },
      },
      configureAppsStep('a05-configure-apps', 'a06-restart-apps', 'a07-app-health', hosts, byHost),
      {
        kind: 'action',
        id: 'a06-restart-apps',
        title: `Restart the platform applications (${[...new Set([...apps.values()].flat().map((s) => s.name))].join(', ')})`,
        targets: hostTargets(hosts, { oneAtATime: true }),
        destructive: true,
        gate: { prompt: `Restart the platform applications on ${hosts.join(', ')}, one host at a time?` },
        commands: hosts.map((host) => ({ host, command: restart(host) })),
        verify: appProbes('running'),
        irreversible: {
          reason: 'a restart changes no file; the rollback of the backup restarts them on the old release',
        },
      },
      ...(health === undefined ? [] : [health]),
      {
        ...versionsStep(paas, hosts),
        id: 'a08-verify',
        title: 'Verify the versions: platform jars, pyscript, SpringBoot scripts, yum repo',
        advisory: false,
        evaluator: 'upgrade-paas.versions',
      },
    ];
    return { runbook: RUNBOOK, site: site.name, title: `Update the PaaS platform at ${spec.id}`, args: {}, steps };
  },
  evaluators: { 'upgrade-paas.versions': versionsEvaluator, 'upgrade-paas.health': appHealthEvaluator },
  programs: { [PAAS_UPLOAD_PROGRAM]: paasUploadProgram, ...siteCheckPrograms(RUNBOOK) },
});
