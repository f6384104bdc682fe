import type { StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import type { RedisReplication } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { readDirective, readRequirepass, redisCli } from './redis-cli.ts';
import { addressOf, bakOf, hostTargets } from '../shared/xizang-site.ts';
import type { SiteService } from '../shared/site-services.ts';
import { redisService } from './redis-service.ts';

/** Everything the Redis phase's steps are built from: the site file's instance and where ADM lays it out. */
export interface RedisLayout {
  readonly spec: SiteFile;
  readonly r: RedisReplication;
  /** Master first, then the replicas. */
  readonly nodes: readonly string[];
  readonly newHome: string;
  readonly newConfig: string;
  /** On the master: the data proof's records (where the final dump is, its digest, the digest after). */
  readonly stateDir: string;
}

/** The layout of `r` at `spec`. */
export function redisLayout(spec: SiteFile, r: RedisReplication): RedisLayout {
  const newHome = r.admLayout?.home ?? '/app/soft/redis';
  return {
    spec,
    r,
    nodes: [r.master, ...r.replicas],
    newHome,
    newConfig: r.admLayout?.config ?? `${newHome}/conf/redis.conf`,
    stateDir: `/var/lib/opsgate/${r.name}`,
  };
}

/** The Redis ADM installs, in its new home. */
export function newRedisService(l: RedisLayout): SiteService {
  return redisService(l.r.service, { home: l.newHome, config: l.newConfig, port: l.r.port });
}

/** Fails with a message on stderr (the step's output names what is wrong). */
const die = (msg: string) => raw(sh`{ echo ${msg} >&2; exit 1; }`);

/**
 * 1. What the seed's `cat /etc/redis/redis.conf` was for: dump file, password present (never shown), roles, the VIP.
 */
export function inspectStep(l: RedisLayout): StepInput {
  const { r } = l;
  const cmd = (host: string) =>
    [
      // Compared normalised: Redis takes `dir /app/redis_data/` and `dir /app/redis_data` alike (chdir).
      sh`d=$(${raw(readDirective(r.config, 'dir'))} | sed 's:\\(.\\)/*$:\\1:'); f=$(${raw(readDirective(r.config, 'dbfilename'))})`,
      sh`case "$d" in /*) ;; *) ${die(`dir in ${r.config} is not an absolute path`)} ;; esac`,
      sh`[ "$d" = ${r.data} ] || ${die(`dir in ${r.config} is not ${r.data} (the site file's data path)`)}`,
      sh`[ -n "$f" ] || ${die(`no dbfilename in ${r.config}`)}`,
      'echo "dump file: $d/$f"',
      sh`[ -n "$(${readRequirepass(r.config)})" ] || ${die(`no requirepass in ${r.config}`)}`,
      'echo "requirepass: set (read on the host at each use, never shown)"',
      sh`${raw(redisCli(r, ['INFO', 'replication']))} | grep -E '^(role|connected_slaves|master_link_status):'`,
      ...(host === r.master && r.vip !== undefined
        ? [
            sh`ip -o -4 addr show | grep -qw ${r.vip} && echo ${`VIP ${r.vip} held`} || ${die(`the master does not hold the VIP ${r.vip}`)}`,
          ]
        : []),
    ].join(' && ');
  return {
    kind: 'check',
    id: 'r01-inspect',
    title: `Record the VIP, the dump file and the password of ${r.name} from ${r.config} (password stays on the hosts)`,
    targets: hostTargets(l.nodes),
    preconditions: [{ kind: 'path-exists', path: r.config }],
    commands: l.nodes.map((host) => ({ host, command: cmd(host) })),
  };
}

/** The ADM parameters of the redeploy: the same VIP and password (the password named, never shown). */
export function admRedisParameters(l: RedisLayout, instance: string): Record<string, string> {
  const { r, spec } = l;
  return {
    instance,
    product: 'Redis master/replica high availability with keepalived (redis-ha)',
    master: `${r.master} (${addressOf(spec, r.master)})`,
    replicas: r.replicas.map((h) => `${h} (${addressOf(spec, h)})`).join(', '),
    vip: r.vip ?? '(none)',
    port: String(r.port),
    home: l.newHome,
    data: r.data,
    password: `unchanged: the requirepass of ${bakOf(r.config)} on ${r.master} (not shown)`,
  };
}

/** The stand-in for ADM's install on one node: the password goes on stdin, read from the backed-up config. */
export function admRedisInstall(l: RedisLayout, adm: string, instance: string, host: string): string {
  const { r, spec } = l;
  const role = host === r.master ? 'master' : 'replica';
  const peer = addressOf(spec, host === r.master ? (r.replicas[0] ?? r.master) : r.master);
  return sh`${readRequirepass(bakOf(r.config))} | ${adm} install redis-ha --instance ${instance} --role ${role} --vip ${r.vip ?? ''} --peer ${peer} --port ${r.port} --home ${l.newHome} --data ${r.data}`;
}
