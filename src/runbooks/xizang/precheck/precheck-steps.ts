import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { ExpectedArtifact, Paas } from '../../../core/sites/paas-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import { listeningSockets, readJarVersions, readRepoRevision, readVersionFile } from './precheck-commands.ts';
import { redisAuthParts, withStdinSecrets } from './redis-auth-checks.ts';
import { redisService } from '../redis/redis-service.ts';
import { section, sections } from '../shared/sections.ts';
import { fromSiteService, readService, serviceArgs } from './service-reading.ts';

/** Precheck items 1-3: access, versions, the CSB Redis on its own hosts (item 4: node-counts-step.ts). */

/** A check step as a runbook writes it (before defaults). */
export type CheckInput = Extract<StepInput, { kind: 'check' }>;
type Input = CheckInput;
/** Precheck items are advisory: every item reports, a failing one does not stop the others. */
export const check = (s: Omit<CheckInput, 'kind'>): CheckInput => ({ ...s, kind: 'check', advisory: true });

/** Adds `part` to `host`'s command. */
function add(map: Map<string, string[]>, host: string, part: string): void {
  map.set(host, [...(map.get(host) ?? []), part]);
}

/**
 * 1. Every host answers over SSH with the site file's credentials, and every Redis password of the site file
 * works on every host of its instance (given on stdin; redis.conf compared), see `redisAuthParts`.
 */
export function accessStep(spec: SiteFile): Input {
  const parts = new Map<string, string[]>();
  for (const h of spec.hosts) add(parts, h.name, section('ssh', h.name, 'echo "login ok as $(id -un) on $(hostname)"'));
  const redis = redisAuthParts(spec);
  for (const [host, list] of redis.parts) for (const p of list) add(parts, host, p);
  return check({
    id: 'p01-access',
    title: '1. Every host reachable and every credential working (SSH, Redis passwords)',
    targets: hostTargets(spec.hosts.map((h) => h.name)),
    commands: [...parts].map(([host, list]) => withStdinSecrets(host, sections(list), redis.secrets.get(host), 60_000)),
    evaluator: 'precheck.access',
  });
}

/** The command reading one artefact the way its `from` says (see `ExpectedArtifactSchema`). */
function readArtefact(a: ExpectedArtifact): string {
  switch (a.from) {
    case 'file':
      return readVersionFile(a.path);
    case 'jars':
      return readJarVersions(a.path);
    case 'repomd':
      return readRepoRevision(a.path);
  }
}

/**
 * 2. Platform jars, pyscript, SpringBoot scripts and the yum repo are the releases the site file expects, each read
 * from the software's own files: the jars' manifests, a script's checksum, the repository's createrepo revision.
 */
export function versionsStep(p: Paas, paasHosts: readonly string[]): Input {
  const artefacts = { platform: p.platform, pyscript: p.pyscript, springboot: p.springboot, yum: p.yum };
  const parts = Object.entries(artefacts).map(([name, a]) => section('artefact', name, readArtefact(a)));
  return check({
    id: 'p02-versions',
    title: '2. PaaS versions: platform jars 3.1.6 final, pyscript, SpringBoot scripts, yum repo the latest',
    targets: hostTargets(paasHosts, { group: p.groups?.[0] ?? 'paas' }),
    commands: paasHosts.map((host) => ({ host, command: sections(parts) })),
    evaluator: 'precheck.versions',
    evaluatorArgs: {
      expected: Object.fromEntries(
        Object.entries(artefacts).map(([k, a]) => [
          k,
          { from: a.from, version: a.version ?? null, sha256: a.sha256 ?? null, path: a.path },
        ]),
      ),
    },
  });
}

/**
 * 3. The CSB gateway's Redis runs on hosts of its own: no other middleware in the site file on them; live, on each
 * of its hosts, the CSB Redis itself runs (its process, its port, PING answered) and nothing else listens
 * (`ss -ltnp`).
 */
export function csbRedisStep(spec: SiteFile): Input {
  const csb = spec.middleware.csbRedis;
  const hosts = csb.flatMap((r) => [r.master, ...r.replicas]);
  const others = [
    ...spec.middleware.redis.flatMap((r) => [r.master, ...r.replicas].map((h) => [h, r.name])),
    ...spec.middleware.kafka.flatMap((k) => [...k.brokers, ...k.zookeeper.hosts].map((h) => [h, k.name])),
    ...spec.middleware.fastdfs.flatMap((f) => [...f.tracker.hosts, ...f.storage.hosts].map((h) => [h, f.name])),
  ].filter(([h]) => hosts.includes(h ?? ''));
  const target = hosts.length > 0 ? hosts : [spec.hosts[0]?.name ?? ''];
  const checks = csb.map((r) => ({ r, check: fromSiteService(redisService(r.service, r), 'redis-cli PING') }));
  const commands = target.map((host) => {
    const mine = checks.filter(({ r }) => r.master === host || r.replicas.includes(host));
    const parts = mine.map(({ r, check: c }) => section('csb-redis', `${r.name} ${host}`, readService(c)));
    return { host, command: sections([...parts, section('listening', host, listeningSockets())]) };
  });
  return check({
    id: 'p03-csb-redis',
    title: '3. The CSB gateway Redis is deployed on its own hosts',
    targets: hostTargets(target),
    commands,
    evaluator: 'precheck.csb-redis',
    evaluatorArgs: {
      csbHosts: hosts,
      sharedWith: others,
      allowedPorts: [22, ...csb.map((r) => r.port)],
      redis: checks.map(({ r, check: c }) => ({
        name: r.name,
        hosts: [r.master, ...r.replicas],
        check: serviceArgs(c),
      })),
    },
  });
}
