import { raw, sh } from '../../../core/shell-quote.ts';
import { progressMark } from '../../../core/plan/progress-mark.ts';
import { section, sectionNamedBy } from '../shared/sections.ts';
import { readProperties } from './java-properties.ts';
import { readKafkaVersion } from './kafka-version.ts';

/** Where a Kafka install lives on its brokers and what the site file says it serves. */
export interface KafkaInstall {
  readonly name: string;
  readonly home: string;
  /** server.properties */
  readonly config: string;
  readonly port: number;
  readonly data: string;
}

/** Where a ZooKeeper install lives on its nodes and what the site file says it serves. */
export interface ZooKeeperInstall {
  readonly home: string;
  /** zoo.cfg */
  readonly config: string;
  readonly port: number;
  readonly data: string;
}

/** The server.properties settings the checks read (KafkaConfig names; `port`/`host.name` when no `listeners`). */
export const KAFKA_KEYS = ['broker.id', 'listeners', 'port', 'host.name', 'log.dirs', 'log.dir', 'zookeeper.connect'];
/** The zoo.cfg settings the checks read (QuorumPeerConfig names). */
export const ZOOKEEPER_KEYS = ['dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress'];

/**
 * Runs `command` (whose stdin is /dev/null) keeping its stdout as is and each stderr line prefixed `stderr: `,
 * with `$kafka_err` as scratch file; `$kafka_out` holds the stdout after, and the group exits with its exit code.
 */
function captured(command: string): string {
  return `kafka_out=$(${command} 2>"$kafka_err" </dev/null); kafka_rc=$?; [ -z "$kafka_out" ] || printf '%s\\n' "$kafka_out"; sed 's/^/stderr: /' "$kafka_err"; (exit $kafka_rc)`;
}

/** `srvr` (the one four-letter word ZooKeeper 3.5 answers without a whitelist) to `address:port`, at most 5 s. */
export function srvr(address: string, port: number): string {
  return sh`timeout 5 bash -c ${'exec 3<>"/dev/tcp/$0/$1" && printf srvr >&3 && cat <&3'} ${address} ${port}`;
}

/**
 * The consumer groups' lag, in the form the install's version takes (set by `readKafkaVersion`): the groups from
 * `--list` (section `groups`), then `--describe --all-groups` (section `describe-all`) or one `--describe --group G`
 * per group (sections `describe-group G`). Nothing is described when the list failed.
 */
function lagSections(k: KafkaInstall, bootstrap: string): string {
  const tool = `${k.home}/bin/kafka-consumer-groups.sh`;
  const list = section('groups', k.name, captured(sh`${tool} --bootstrap-server ${bootstrap} --list`));
  const all = section(
    'describe-all',
    k.name,
    captured(sh`${tool} --bootstrap-server ${bootstrap} --describe --all-groups`),
  );
  const one = sectionNamedBy(
    'describe-group',
    'kafka_group',
    captured(sh`${tool} --bootstrap-server ${bootstrap} --describe --group ${raw('"$kafka_group"')}`),
  );
  const perGroup = `printf '%s\\n' "$kafka_groups" | while IFS= read -r kafka_group; do [ -n "$kafka_group" ] || continue; ${one}; done`;
  return [
    list,
    'kafka_groups=$kafka_out',
    `if [ "$kafka_rc" -eq 0 ] && ! printf '%s\\n' "$kafka_groups" | grep -q '^Error: '; then case "$kafka_form" in all-groups) ${all} ;; list-then-describe) ${perGroup} ;; esac; fi`,
  ].join('; ');
}

/** Sums the LAG column of `--describe` tables: `TOTAL PARTITIONS UNKNOWN` (a `-` lag is unknown, not 0). */
const SUM_LAG = String.raw`awk '/^stderr: /{next} {for(i=1;i<=NF;i++) if($i=="LAG"){c=i;h=1}} h{h=0;next} c&&$c~/^-?[0-9]+$/{s+=$c;n++} c&&$c=="-"{u++} END{printf "%d %d %d\n",s,n,u}'`;

/** Seconds between two readings of the lag while draining. */
export const DRAIN_POLL_SECONDS = 10;

/**
 * The drain: reads the consumer lag every 10 s, as `lagSections` does, until it is 0 on every partition or
 * `seconds` have passed, printing each reading on stderr as a `##progress` line (the total lag Kafka reports, over
 * how many partitions, and how many it does not know). It decides nothing: the lag sections read after it do.
 */
function drainLoop(k: KafkaInstall, bootstrap: string, seconds: number): string {
  const polls = Math.ceil(seconds / DRAIN_POLL_SECONDS) + 1;
  const mark = progressMark(`consumer lag of ${k.name} reaches 0`);
  const say = sh`echo ${mark}"total lag $1 on $2 partition(s)$([ "$3" -gt 0 ] && echo ", $3 unknown")" >&2`;
  return [
    sh`for kafka_d in $(seq ${polls}); do set -- $( { ${raw(lagSections(k, bootstrap))}; } 2>/dev/null | ${raw(SUM_LAG)})`,
    say,
    sh`[ "$1" -eq 0 ] && [ "$3" -eq 0 ] && break; [ "$kafka_d" -lt ${polls} ] && sleep ${DRAIN_POLL_SECONDS}; done`,
  ].join('; ');
}

/**
 * The broker ids registered in ZooKeeper, asked with the install's own `zookeeper-shell.sh` at the
 * `zookeeper.connect` of its server.properties (chroot included), waiting up to `waitSeconds` for `brokers` of them.
 */
function brokersSection(k: KafkaInstall, brokers: number, waitSeconds: number): string {
  const shell = `${k.home}/bin/zookeeper-shell.sh`;
  const count = String.raw`printf '%s\n' "$kafka_out" | grep -E '^\[.*\]$' | tail -n 1 | tr ',' '\n' | grep -c '[0-9]'`;
  const ask = sh`kafka_out=$(timeout 30 ${shell} "$kafka_zc" ls /brokers/ids 2>&1 </dev/null); kafka_rc=$?`;
  const loop = sh`for kafka_i in $(seq ${Math.max(1, waitSeconds)}); do ${raw(ask)}; [ "$(${raw(count)})" -ge ${brokers} ] && break; [ ${waitSeconds} -gt 0 ] || break; sleep 1; done`;
  const body = [
    sh`kafka_zc=$(${raw(readProperties(k.config, ['zookeeper.connect']))} | sed -n 's/^zookeeper\.connect=//p')`,
    sh`if [ -z "$kafka_zc" ]; then echo ${`no zookeeper.connect in ${k.config}`}; (exit 2); else echo "zookeeper.connect=$kafka_zc"; ${raw(loop)}; printf '%s\\n' "$kafka_out"; (exit $kafka_rc); fi`,
  ].join('; ');
  return section('brokers', k.name, body);
}

/**
 * The first broker's command: the Kafka version first (section `kafka-version`), and only when a form is known for
 * it, the lag (when `checkLag`, after waiting up to `drainSeconds` for it to drain) and the registered brokers. A version without a known form runs no Kafka tool.
 */
export function firstBrokerCommand(
  k: KafkaInstall,
  opts: { bootstrap: string; brokers: number; checkLag: boolean; waitSeconds: number; drainSeconds?: number },
): string {
  const drain =
    opts.checkLag && (opts.drainSeconds ?? 0) > 0 ? [drainLoop(k, opts.bootstrap, opts.drainSeconds ?? 0)] : [];
  const tools = [
    ...drain,
    ...(opts.checkLag ? [lagSections(k, opts.bootstrap)] : []),
    brokersSection(k, opts.brokers, opts.waitSeconds),
  ].join('; ');
  return [
    'kafka_err=$(mktemp)',
    section('kafka-version', k.name, readKafkaVersion(k.home)),
    `case "$kafka_form" in all-groups|list-then-describe) ${tools} ;; esac`,
    'rm -f "$kafka_err"',
  ].join('; ');
}

/** Every broker's server.properties, read as Kafka reads it (section `kafka-config HOST`). */
export function brokerConfigSection(k: KafkaInstall, host: string): string {
  return section('kafka-config', host, readProperties(k.config, KAFKA_KEYS));
}

/** A ZooKeeper node: its `srvr` answer (section `zk HOST`) and its zoo.cfg as ZooKeeper reads it (`zk-config HOST`). */
export function zooKeeperSections(z: ZooKeeperInstall, host: string, address: string): string[] {
  return [
    section('zk', host, srvr(address, z.port)),
    section('zk-config', host, readProperties(z.config, ZOOKEEPER_KEYS)),
  ];
}
