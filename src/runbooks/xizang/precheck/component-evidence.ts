import { sh } from '../../../core/shell-quote.ts';
import { redisCli } from '../redis/redis-cli.ts';
import type { Component } from './middleware-inventory.ts';
import { zkFourLetter } from './precheck-commands.ts';

/**
 * What a person needs to judge one middleware component on one host, read from the software itself: the process
 * listening on its port (found by the port, not by a name), its parent (is ADM's guard vesta the parent, and does
 * vesta run on the host at all?), its executable and command line (the install path), its version as the process
 * or its binary reports it, its role, its clients or connections, its memory and the disk its data uses. Nothing
 * here is read from a file an installer or opsgate wrote to describe the deployment.
 */

/** ADM's process guard (the seed: 由于vesta守护作用). */
export const ADM_GUARD = 'vesta';

const NL = String.raw`\n`;
const TAB = String.raw`\t`;

/** `pid=N` of the process listening on `port` (or `pid=none`), then its parent, executable, command line, memory. */
function processLines(port: number): string {
  const pidOf = String.raw`s/.*pid=\([0-9][0-9]*\).*/\1/p`;
  return [
    // ss's table (header checked: no -H, which old iproute2 lacks); a failing ss or one that names no process for
    // the port (run without root) is an error, never "nothing listens".
    sh`l=$(ss -ltnp ${`sport = :${port}`} 2>&1); rc=$?; sockets=$(printf '%s\n' "$l" | awk 'NR > 1')`,
    `case "$l" in State*) ;; *) echo "error=ss -ltnp exit $rc: $(printf '%s' "$l" | head -c 200 | tr '${NL}' ' ')"; sockets= ;; esac`,
    sh`pid=$(printf '%s\n' "$sockets" | sed -n ${pidOf} | head -n 1)`,
    sh`if [ -z "$pid" ] && [ -n "$sockets" ]; then echo ${`error=port ${port} listens but ss -ltnp names no process for it (not run as root?)`}; fi`,
    `if [ -z "$pid" ]; then echo pid=none; else echo "pid=$pid"; ppid=$(ps -o ppid= -p "$pid" | tr -d ' ')`,
    `echo "ppid=$ppid"; echo "user=$(ps -o user= -p "$pid" | tr -d ' ')"; echo "exe=$(readlink "/proc/$pid/exe")"`,
    `echo "args=$(ps -ww -o args= -p "$pid" | cut -c1-300)"; echo "parent=$(ps -ww -o args= -p "$ppid" | cut -c1-200)"`,
    `echo "rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')"; fi`,
  ].join('; ');
}

/** `guard=PID ARGS` of the vesta process on the host, or `guard=none`. */
function guardLine(): string {
  const find = `{ n = $2; m = $3; sub(/.*\\//, "", n); sub(/.*\\//, "", m); if (n == g || m == g) { print $1; exit } }`;
  return [
    sh`g=$(ps -eo pid=,args= | awk -v g=${ADM_GUARD} ${find})`,
    `if [ -n "$g" ]; then echo "guard=$g $(ps -ww -o args= -p "$g" | cut -c1-200)"; else echo guard=none; fi`,
  ].join('; ');
}

/** Version, role, clients and memory of a Redis instance from its own `INFO` (password read on the host). */
function redisLines(c: Component): string {
  const cli = redisCli({ home: c.home, config: c.config ?? '', port: c.port }, ['INFO']);
  const keys = '^(redis_version|role|connected_clients|used_memory_human|maxmemory_human):';
  return [
    `out=$(${cli} 2>&1); rc=$?`,
    sh`printf ${`%s${NL}`} "$out" | tr -d ${String.raw`\r`} | grep -E ${keys}`,
    sh`printf ${`%s${NL}`} "$out" | grep -q '^redis_version:' || echo "error=redis-cli INFO exit $rc: $(printf ${`%s${NL}`} "$out" | head -n 2 | tr ${NL} ' ')"`,
    `echo 'version_from=INFO server'`,
  ].join('; ');
}

/** Version, mode and connections of a ZooKeeper server from its `srvr` answer. */
function zookeeperLines(c: Component): string {
  return [
    `out=$(${zkFourLetter(c.port, 'srvr')} 2>&1); rc=$?`,
    sh`printf ${`%s${NL}`} "$out" | sed -n -e ${String.raw`s/^Zookeeper version: \([^-,]*\).*/version=\1/p`} -e 's/^Mode: /role=/p' -e 's/^Connections: /clients=/p'`,
    sh`printf ${`%s${NL}`} "$out" | grep -q '^Zookeeper version:' || echo "error=srvr exit $rc: $(printf ${`%s${NL}`} "$out" | head -n 2 | tr ${NL} ' ')"`,
    `echo 'version_from=srvr'`,
  ].join('; ');
}

/** Established TCP connections to the component's port, counted by ss. */
function connectionLines(port: number): string {
  return sh`echo "connections=$(ss -tn state established ${`( sport = :${port} )`} 2>/dev/null | awk 'NR > 1' | wc -l)"`;
}

/** The version of a Kafka, FastDFS or nginx process: from its command line, its own log line or its binary. */
function versionLines(c: Component): string {
  switch (c.versionProbe) {
    case 'kafka': {
      // kafka_SCALA-VERSION.jar only: the distribution's libs/ also hold -javadoc, -sources, -test jars.
      const jar = String.raw`kafka_[0-9.]+-[0-9][0-9.]*\.jar`;
      const ver = String.raw`s/^kafka_[0-9.]*-\(.*\)\.jar$/\1/p`;
      return [
        sh`v=$( { [ -n "$pid" ] && tr '\\0' ' ' < "/proc/$pid/cmdline" | grep -oE ${jar} | head -n 1; } | sed -n ${ver})`,
        sh`if [ -n "$v" ]; then echo "version=$v"; echo 'version_from=the jar on its class path'; else v=$(ls -1 ${`${c.home}/libs`} 2>/dev/null | grep -E ${`^${jar}$`} | head -n 1 | sed -n ${ver}); echo "version=\${v:-unknown}"; echo ${`version_from=the jar in ${c.home}/libs`}; fi`,
      ].join('; ');
    }
    case 'fdfs':
      return [
        sh`v=$(cat ${`${c.home}/logs`}/*.log 2>/dev/null | grep -oE 'FastDFS v[0-9.]+' | tail -n 1 | cut -c10-)`,
        sh`echo "version=\${v:-unknown}"; echo ${`version_from=its start line in ${c.home}/logs`}`,
      ].join('; ');
    case 'nginx':
      return [
        sh`b=$(readlink "/proc/$pid/exe" 2>/dev/null); case "$b" in */nginx) ;; *) b=${`${c.home}/sbin/nginx`};; esac`,
        sh`v=$("$b" -v 2>&1 | sed -n 's|.*nginx/||p' | head -n 1); echo "version=\${v:-unknown}"; echo "version_from=$b -v"`,
      ].join('; ');
    case 'redis':
    case 'zookeeper':
      return 'true';
  }
}

/** `data=PATH<TAB>USED_KB<TAB>FREE_KB<TAB>SIZE_KB` per data path (du and df), `data=PATH<TAB>missing`; host memory. */
function usageLines(c: Component): string {
  const df = `NR == 2 { printf "data=%s${TAB}%s${TAB}%s${TAB}%s${NL}", d, u, $4, $2 }`;
  const parts = c.dataPaths.map((d) =>
    [
      sh`if [ -e ${d} ]; then u=$(timeout 60 du -sk -- ${d} 2>/dev/null | cut -f1)`,
      sh`df -Pk -- ${d} | awk -v d=${d} -v u="\${u:-unknown}" ${df}; else printf ${`data=%s${TAB}missing${NL}`} ${d}; fi`,
    ].join('; '),
  );
  parts.push(
    String.raw`sed -n -e 's/^MemTotal: *\([0-9]*\) kB/mem_total_kb=\1/p' -e 's/^MemAvailable: *\([0-9]*\) kB/mem_avail_kb=\1/p' /proc/meminfo`,
  );
  return parts.join('; ');
}

/** The command printing every line above for component `c` on one host. */
export function componentEvidence(c: Component, opts: { readonly usage: boolean }): string {
  const parts = [processLines(c.port), guardLine()];
  if (c.versionProbe === 'redis') parts.push(redisLines(c));
  else if (c.versionProbe === 'zookeeper') parts.push(zookeeperLines(c));
  else parts.push(versionLines(c));
  if (opts.usage) {
    if (c.versionProbe !== 'redis' && c.versionProbe !== 'zookeeper') parts.push(connectionLines(c.port));
    parts.push(usageLines(c));
  }
  return parts.join('; ');
}

/** One data path's disk usage as `du` and `df` reported it (kB), or missing. */
export interface DataUsage {
  readonly path: string;
  readonly missing: boolean;
  readonly usedKb?: string;
  readonly freeKb?: string;
  readonly sizeKb?: string;
}

/** What `componentEvidence` printed, read back. */
export interface Evidence {
  readonly pid?: string;
  readonly ppid?: string;
  readonly user?: string;
  readonly exe?: string;
  readonly args?: string;
  readonly parent?: string;
  readonly rssKb?: string;
  /** `PID ARGS` of vesta on the host, or undefined when none runs. */
  readonly guard?: string;
  readonly version?: string;
  readonly versionFrom?: string;
  readonly role?: string;
  /** Redis `connected_clients`, ZooKeeper `Connections`. */
  readonly clients?: string;
  /** Established TCP connections to the port (ss). */
  readonly connections?: string;
  readonly usedMemory?: string;
  readonly memTotalKb?: string;
  readonly memAvailKb?: string;
  readonly data: readonly DataUsage[];
  /** A tool that failed or answered nothing, with its exit code and output. */
  readonly errors: readonly string[];
}

const KEYS: Readonly<Record<string, keyof Evidence>> = {
  pid: 'pid',
  ppid: 'ppid',
  user: 'user',
  exe: 'exe',
  args: 'args',
  parent: 'parent',
  rss_kb: 'rssKb',
  guard: 'guard',
  version: 'version',
  redis_version: 'version',
  version_from: 'versionFrom',
  role: 'role',
  clients: 'clients',
  connected_clients: 'clients',
  connections: 'connections',
  used_memory_human: 'usedMemory',
  mem_total_kb: 'memTotalKb',
  mem_avail_kb: 'memAvailKb',
};

/**
 * Reads a component's section: its lines and, when given, how the section's command ended (a section without an exit
 * code was cut short: what it printed is not all there was).
 */
export function readEvidence(lines: readonly string[], ended?: { readonly exitCode?: number }): Evidence {
  const out: Record<string, string> = {};
  const data: DataUsage[] = [];
  const errors: string[] = [];
  for (const line of lines) {
    const m = /^([a-z_]+)[=:](.*)$/.exec(line);
    if (m === null) continue;
    const [, key = '', value = ''] = m;
    if (key === 'data') {
      const [path = '', used = '', free, size] = value.split('\t');
      data.push(
        used === 'missing'
          ? { path, missing: true }
          : {
              path,
              missing: false,
              usedKb: used,
              ...(free ? { freeKb: free } : {}),
              ...(size ? { sizeKb: size } : {}),
            },
      );
    } else if (key === 'error') errors.push(value.trim());
    else {
      const field = KEYS[key];
      if (field !== undefined && out[field] === undefined) out[field] = value.trim();
    }
  }
  if (ended !== undefined && ended.exitCode === undefined)
    errors.push('the evidence was cut short: the host printed no exit code for it');
  const { pid, guard, ...rest } = out;
  return {
    ...rest,
    ...(pid === undefined || pid === 'none' ? {} : { pid }),
    ...(guard === undefined || guard === 'none' ? {} : { guard }),
    data,
    errors,
  };
}
