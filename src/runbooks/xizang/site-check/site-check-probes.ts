import { sh } from '../../../core/shell-quote.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { readProperties } from '../kafka/java-properties.ts';
import { zkBrokerIds, zkFourLetter } from '../precheck/precheck-commands.ts';
import { redisCli } from '../redis/redis-cli.ts';

/**
 * What `opsgate sites check` asks each host, read-only and from the software itself: the process listening on each
 * port the site file names (its pid, executable, working directory and command line from /proc), then what that
 * software says of itself (redis-cli INFO, ZooKeeper `srvr` and its ensemble, the broker ids ZooKeeper holds,
 * `fdfs_monitor`, the addresses the host holds). Each probe prints `key=value` lines that `compareSite` reads.
 */

/** One read on one host: its id (what `compareSite` looks it up by) and its command. */
export interface SiteProbe {
  readonly id: string;
  readonly command: string;
}

const NL = String.raw`\n`;

/** `pid=N exe= cwd= args=` of the process listening on `port`, or `pid=none`; `error=` when ss cannot tell. */
export function processOnPort(port: number): string {
  const pidOf = String.raw`s/.*pid=\([0-9][0-9]*\).*/\1/p`;
  return [
    sh`l=$(ss -ltnp ${`sport = :${port}`} 2>&1); rc=$?; sockets=$(printf '%s\n' "$l" | awk 'NR > 1')`,
    `case "$l" in State*) ;; *) echo "ss_error=ss -ltnp exit $rc: $(printf '%s' "$l" | head -c 200 | tr '${NL}' ' ')"; sockets= ;; esac`,
    sh`pid=$(printf '%s\n' "$sockets" | sed -n ${pidOf} | head -n 1)`,
    `if [ -z "$pid" ]; then echo pid=none; else echo "pid=$pid"; echo "exe=$(readlink "/proc/$pid/exe")"`,
    `echo "cwd=$(readlink "/proc/$pid/cwd")"; echo "args=$(tr '\\0' ' ' < "/proc/$pid/cmdline" | cut -c1-4000)"; fi`,
  ].join('; ');
}

/** `addr=A` for every IPv4 address the host holds (`ip -o -4 addr`): who holds a VIP. */
const ADDRESSES = String.raw`ip -o -4 addr show | awk '{ sub(/\/.*/, "", $4); print "addr=" $4 }'`;

/** `keepalived=ARGS` per keepalived process (its command line names its binary and its -f config). */
const KEEPALIVED = `for p in $(pgrep -x keepalived); do echo "keepalived=$(tr '\\0' ' ' < "/proc/$p/cmdline")"; done; true`;

function redisProbe(r: { home: string; config: string; port: number; keepalived?: unknown }): string {
  const info = redisCli({ home: r.home, config: r.config, port: r.port }, ['INFO']);
  const keys = '^(redis_version|executable|config_file|tcp_port|role|master_host|master_port):';
  return [
    processOnPort(r.port),
    `out=$(${info} 2>&1); rc=$?`,
    sh`printf ${`%s${NL}`} "$out" | tr -d ${String.raw`\r`} | grep -E ${keys} | sed 's/:/=/'`,
    sh`printf ${`%s${NL}`} "$out" | grep -q '^redis_version:' || echo "error=redis-cli INFO exit $rc: $(printf ${`%s${NL}`} "$out" | head -n 2 | tr ${NL} ' ')"`,
    ADDRESSES,
    ...(r.keepalived === undefined ? [] : [KEEPALIVED]),
  ].join('; ');
}

function kafkaProbe(k: SiteFile['middleware']['kafka'][number]): string {
  const jar = String.raw`kafka_[0-9.]+-[0-9][0-9.]*\.jar`;
  const ver = String.raw`s/^kafka_[0-9.]*-\(.*\)\.jar$/\1/p`;
  return [
    processOnPort(k.port),
    sh`v=$( { [ -n "$pid" ] && tr '\\0' '\n' < "/proc/$pid/cmdline" | tr ':' '\n' | grep -oE ${jar} | head -n 1; } | sed -n ${ver})`,
    sh`[ -n "$v" ] || v=$(ls -1 ${`${k.home}/libs`} 2>/dev/null | grep -E ${`^${jar}$`} | head -n 1 | sed -n ${ver})`,
    'echo "version=${v:-unknown}"',
    `${readProperties(k.config, ['broker.id'])} || true`,
  ].join('; ');
}

/** `member=server.N ADDRESS` per `server.N=ADDRESS:…` line of a zoo.cfg. */
const MEMBER = String.raw`s/^[[:space:]]*\(server\.[0-9][0-9]*\)[[:space:]]*=[[:space:]]*\([^:]*\):.*/member=\1 \2/p`;

function zookeeperProbe(z: SiteFile['middleware']['kafka'][number]['zookeeper']): string {
  const srvr = String.raw`s/^Zookeeper version: \([^-,]*\).*/version=\1/p`;
  return [
    processOnPort(z.port),
    `out=$(${zkFourLetter(z.port, 'srvr')} 2>&1); rc=$?`,
    sh`printf ${`%s${NL}`} "$out" | sed -n -e ${srvr} -e 's/^Mode: /mode=/p'`,
    sh`printf ${`%s${NL}`} "$out" | grep -q '^Zookeeper version:' || echo "error=srvr exit $rc: $(printf ${`%s${NL}`} "$out" | head -n 2 | tr ${NL} ' ')"`,
    // The ensemble as this server runs it: the server.N lines of the config its command line names.
    `conf=$(tr '\\0' '\\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -E '\\.cfg$' | tail -n 1); echo "conf=$conf"`,
    sh`[ -n "$conf" ] && [ -r "$conf" ] && sed -n ${MEMBER} "$conf"; true`,
  ].join('; ');
}

/** `ids=[1, 2, 3]` from ZooKeeper, then `reg=ID HOST:PORT` per registered broker (its `/brokers/ids/ID` node). */
function brokerRegistrations(z: SiteFile['middleware']['kafka'][number]['zookeeper']): string {
  const cli = `${z.home}/bin/zkCli.sh`;
  const parse = String.raw`s/.*"host": *"\([^"]*\)".*"port": *\([0-9]*\).*/\1:\2/p`;
  return [
    `if ! ids=$(${zkBrokerIds(z.home, z.port)}); then echo "error=$ids"; else echo "ids=$ids"`,
    sh`cli=${cli}; [ -x "$cli" ] || cli=/usr/share/zookeeper/bin/zkCli.sh`,
    String.raw`for id in $(printf '%s' "$ids" | tr -d '[],'); do ` +
      sh`r=$(printf 'get /brokers/ids/%s\nquit\n' "$id" | timeout 30 "$cli" -server ${`127.0.0.1:${z.port}`} 2>&1 | grep '^{' | sed -n ${parse} | head -n 1)`,
    'echo "reg=$id ${r:-unknown}"; done; fi',
  ].join('; ');
}

/** `group=NAME` and `storage=GROUP ADDRESS` for what the trackers know, asked with the storage's own config. */
function fdfsMonitor(config: string): string {
  const awk = String.raw`/^group name = / { g = $4; print "group=" g } /ip_addr = / { print "storage=" g " " $3 }`;
  return [
    sh`out=$(timeout 30 fdfs_monitor ${config} 2>&1); rc=$?`,
    sh`printf '%s\n' "$out" | awk ${awk}`,
    sh`[ $rc -eq 0 ] || echo "error=fdfs_monitor ${config} exit $rc: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"`,
  ].join('; ');
}

/**
 * Every probe of the site, per host, in the order of the site file. Ids: `redis.N`/`csbRedis.N` (an instance on
 * one of its hosts), `kafka.N`, `zookeeper.N`, `brokers.N` (on the first ZooKeeper host), `tracker.N`,
 * `storage.N`, `monitor.N` (on the first storage host), `nginx.N`.
 */
export function siteCheckProbes(spec: SiteFile): Map<string, SiteProbe[]> {
  const out = new Map<string, SiteProbe[]>();
  const add = (host: string, id: string, command: string): void => {
    const list = out.get(host) ?? [];
    list.push({ id, command });
    out.set(host, list);
  };
  const m = spec.middleware;
  for (const key of ['redis', 'csbRedis'] as const)
    m[key].forEach((r, i) => {
      for (const h of [r.master, ...r.replicas]) add(h, `${key}.${i}`, redisProbe(r));
    });
  m.kafka.forEach((k, i) => {
    for (const h of k.brokers) add(h, `kafka.${i}`, kafkaProbe(k));
    for (const h of k.zookeeper.hosts) add(h, `zookeeper.${i}`, zookeeperProbe(k.zookeeper));
    const first = k.zookeeper.hosts[0];
    if (first !== undefined) add(first, `brokers.${i}`, brokerRegistrations(k.zookeeper));
  });
  m.fastdfs.forEach((f, i) => {
    for (const h of f.tracker.hosts) add(h, `tracker.${i}`, processOnPort(f.tracker.port));
    for (const h of f.storage.hosts) add(h, `storage.${i}`, processOnPort(f.storage.port));
    const first = f.storage.hosts[0];
    if (first !== undefined) add(first, `monitor.${i}`, fdfsMonitor(f.storage.config));
    if (f.nginx) for (const h of f.nginx.hosts) add(h, `nginx.${i}`, processOnPort(f.nginx.port));
  });
  // Every host answers at least once: a host without middleware is still reached (its key, its login).
  for (const h of spec.hosts) if (!out.has(h.name)) add(h.name, 'login', 'true');
  return out;
}
