import type { HostCommand } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { secretNameOf } from '../../../core/sites/secret-at.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { readRequirepass, redisCli } from '../redis/redis-cli.ts';
import { section } from '../shared/sections.ts';

/**
 * Precheck item 1's Redis part: every Redis instance of the site file (business and CSB master/replica, cluster
 * nodes, redis-proxy) on every host it runs on. An instance with a `password` in the site file is asked to PING
 * with THAT password, given to the host on the command's stdin (the plan names the secret, never its value), and
 * its redis.conf's `requirepass` is compared with it on the host (only `same` / `differs` / `none` is printed).
 * An instance without one is pinged with the password of its own redis.conf, as before.
 */

export interface RedisEndpoint {
  /** The instance's `name` in the site file. */
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly home: string;
  readonly config: string;
  /** The secret name of the site file's password (`middleware.redis[business-redis].password`). */
  readonly secret?: string;
}

/** Every Redis endpoint of the site, in site-file order. */
export function redisEndpoints(spec: SiteFile): RedisEndpoint[] {
  const m = spec.middleware;
  const pairs = [
    ['redis', m.redis],
    ['csbRedis', m.csbRedis],
    ['redisProxies', m.redisProxies],
  ] as const;
  const out: RedisEndpoint[] = [];
  for (const [list, instances] of pairs) {
    for (const r of instances) {
      const secret = r.password === undefined ? {} : { secret: secretNameOf(`middleware.${list}`, r.name) };
      for (const host of [r.master, ...r.replicas])
        out.push({ instance: r.name, host, port: r.port, home: r.home, config: r.config, ...secret });
    }
  }
  for (const c of m.redisClusters) {
    const secret = c.password === undefined ? {} : { secret: secretNameOf('middleware.redisClusters', c.name) };
    for (const n of c.nodes)
      out.push({ instance: c.name, host: n.host, port: n.port, home: c.home, config: c.config, ...secret });
  }
  return out;
}

/** The shell variable the host's command reads the `i`-th stdin secret into. */
const secretVar = (i: number) => `OPSGATE_SECRET_${i + 1}`;

/**
 * Reads `count` lines of stdin into shell variables (not exported), then detaches stdin so that nothing later in
 * the command can read what is left of it.
 */
export function readStdinSecrets(count: number): string {
  const reads = Array.from({ length: count }, (_, i) => `IFS= read -r ${secretVar(i)}`);
  return `${reads.join('; ')}; exec </dev/null`;
}

/**
 * PING with the password in `$var` (REDISCLI_AUTH: not in argv), then how the instance's redis.conf compares.
 * redis-cli prints `AUTH failed: …` when the password is refused and goes on, so PONG alone is not the verdict.
 */
function authCheck(e: RedisEndpoint, variable: string): string {
  const conf = readRequirepass(e.config);
  const compare = [
    sh`if [ ! -r ${e.config} ]; then echo ${`redis.conf: not readable at ${e.config}`}`,
    `elif c="$(${conf.text})"; [ -z "$c" ]; then echo 'redis.conf: no requirepass'`,
    `elif [ "$c" = "$${variable}" ]; then echo 'redis.conf: same'`,
    `else echo 'redis.conf: differs'; fi`,
  ].join('; ');
  return `REDISCLI_AUTH="$${variable}" ${sh`${`${e.home}/bin/redis-cli`} -h 127.0.0.1 -p ${e.port} PING`}; ${compare}`;
}

/**
 * One section per Redis endpoint of the site, by host, and the stdin each host's command needs: the
 * site-file passwords its sections use, each read once. Returns what `add` and the host's command take.
 */
export function redisAuthParts(spec: SiteFile): {
  readonly parts: Map<string, string[]>;
  readonly secrets: Map<string, string[]>;
} {
  const parts = new Map<string, string[]>();
  const secrets = new Map<string, string[]>();
  for (const e of redisEndpoints(spec)) {
    const name = `${e.instance}:${e.port}`;
    let part: string;
    if (e.secret === undefined) {
      part = section('redis', name, redisCli(e, ['PING']));
    } else {
      const list = secrets.get(e.host) ?? [];
      if (!list.includes(e.secret)) list.push(e.secret);
      secrets.set(e.host, list);
      part = section('redis-auth', name, authCheck(e, secretVar(list.indexOf(e.secret))));
    }
    parts.set(e.host, [...(parts.get(e.host) ?? []), part]);
  }
  return { parts, secrets };
}

/** A host's command with its stdin: the secrets read first, then the sections. */
export function withStdinSecrets(
  host: string,
  command: string,
  secrets: readonly string[] | undefined,
  timeoutMs: number,
): HostCommand {
  if (secrets === undefined || secrets.length === 0) return { host, command, timeoutMs };
  return {
    host,
    command: `${readStdinSecrets(secrets.length)}; ${command}`,
    timeoutMs,
    stdin: { secrets: [...secrets] },
  };
}
