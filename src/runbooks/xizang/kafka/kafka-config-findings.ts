import type { Finding } from '../../../core/plan/run-state.ts';
import { exitOf, type Section } from '../shared/sections.ts';
import { normalisePath, propertyOf } from './java-properties.ts';

/** What the site file says a Kafka install and its ZooKeeper serve, to compare with their configs. */
export interface ExpectedLayout {
  readonly kafka: { readonly config: string; readonly port: number; readonly data: string };
  readonly zookeeper: { readonly config: string; readonly port: number; readonly data: string; readonly home: string };
}

/** The ports Kafka 2.x listens on: every `listeners` entry, else `port` (default 9092). */
function listenerPorts(lines: readonly string[]): number[] {
  const listeners = propertyOf(lines, 'listeners');
  if (listeners === undefined) return [Number(propertyOf(lines, 'port') ?? '9092')];
  return listeners
    .split(',')
    .map((l) => /:(\d+)\s*$/.exec(l.trim())?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number);
}

/** Kafka's data directories: `log.dirs`, else `log.dir`, else /tmp/kafka-logs (KafkaConfig.logDirs), normalised. */
export function kafkaLogDirs(lines: readonly string[]): string[] {
  const dirs = propertyOf(lines, 'log.dirs') ?? propertyOf(lines, 'log.dir') ?? '/tmp/kafka-logs';
  return dirs
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map(normalisePath);
}

const unreadable = (s: Section) => s.exitCode !== 0 || s.lines.some((l) => l.startsWith('cannot read '));

/**
 * Each broker's server.properties against the site file: it listens on the site's port, keeps its data where the
 * site file says (the backup moves that path; data elsewhere would be left behind), and every broker uses the
 * same `zookeeper.connect` with a distinct numeric broker.id. Returns the finding and the configured broker ids.
 */
export function kafkaConfigFinding(
  sections: readonly Section[],
  want: ExpectedLayout['kafka'],
  brokers: readonly string[],
): { finding: Finding; ids: string[] } {
  const problems: string[] = [];
  const facts: string[] = [];
  const ids: string[] = [];
  const connects = new Set<string>();
  for (const host of brokers) {
    const s = sections.find((x) => x.kind === 'kafka-config' && x.name === host);
    if (s === undefined || unreadable(s)) {
      problems.push(
        `${host}: ${want.config} not read (${s === undefined ? 'no output' : `${exitOf(s)}: ${s.lines.join(' | ')}`})`,
      );
      continue;
    }
    const id = propertyOf(s.lines, 'broker.id');
    const ports = listenerPorts(s.lines);
    const dirs = kafkaLogDirs(s.lines);
    const zc = propertyOf(s.lines, 'zookeeper.connect');
    facts.push(`${host}: broker.id ${id ?? '?'}, port ${ports.join('/')}, data ${dirs.join(',')}`);
    if (id === undefined || !/^\d+$/.test(id)) problems.push(`${host}: broker.id is ${id ?? 'not set'}`);
    else if (ids.includes(id)) problems.push(`${host}: broker.id ${id} is used by another broker too`);
    else ids.push(id);
    if (!ports.includes(want.port))
      problems.push(`${host}: listens on ${ports.join(', ') || 'no port'}, the site file says ${want.port}`);
    if (dirs.join(',') !== normalisePath(want.data))
      problems.push(
        `${host}: keeps its data in ${dirs.join(', ')}, the site file says ${want.data} (the backup would miss it)`,
      );
    if (zc === undefined) problems.push(`${host}: no zookeeper.connect`);
    else connects.add(zc);
  }
  if (connects.size > 1) problems.push(`the brokers use different ZooKeeper: ${[...connects].join(' / ')}`);
  const finding: Finding = {
    status: problems.length === 0 ? 'pass' : 'fail',
    title: `Kafka's server.properties on every broker matches the site file (port, data directory, ZooKeeper)`,
    evidence:
      problems.length === 0 ? `${facts.join('; ')}; zookeeper.connect ${[...connects].join('')}` : problems.join('; '),
  };
  return { finding, ids };
}

/** `path` is `dir` or inside it (both normalised). */
const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir === '/' ? '' : dir}/`);

/**
 * Each ZooKeeper node's zoo.cfg against the site file: dataDir is the site file's data path, the transaction
 * log (dataLogDir, default dataDir) is inside the data or the home that the backup moves, clientPort is the site's.
 */
export function zooKeeperConfigFinding(
  sections: readonly Section[],
  want: ExpectedLayout['zookeeper'],
  hosts: readonly string[],
): Finding {
  const problems: string[] = [];
  const data = normalisePath(want.data);
  for (const host of hosts) {
    const s = sections.find((x) => x.kind === 'zk-config' && x.name === host);
    if (s === undefined || unreadable(s)) {
      problems.push(
        `${host}: ${want.config} not read (${s === undefined ? 'no output' : `${exitOf(s)}: ${s.lines.join(' | ')}`})`,
      );
      continue;
    }
    const dataDir = propertyOf(s.lines, 'dataDir');
    const logDir = propertyOf(s.lines, 'dataLogDir');
    const port = propertyOf(s.lines, 'clientPort');
    if (dataDir === undefined || normalisePath(dataDir) !== data)
      problems.push(`${host}: dataDir is ${dataDir ?? 'not set'}, the site file says ${want.data}`);
    if (
      logDir !== undefined &&
      !within(normalisePath(logDir), data) &&
      !within(normalisePath(logDir), normalisePath(want.home))
    )
      problems.push(
        `${host}: dataLogDir ${logDir} is outside ${want.data} and ${want.home} (the backup would miss it)`,
      );
    if (port !== String(want.port))
      problems.push(`${host}: clientPort is ${port ?? 'not set'}, the site file says ${want.port}`);
  }
  return {
    status: problems.length === 0 ? 'pass' : 'fail',
    title: `ZooKeeper's zoo.cfg on every node matches the site file (dataDir, clientPort)`,
    evidence:
      problems.length === 0
        ? `dataDir ${want.data}, clientPort ${want.port} on ${hosts.join(', ')}`
        : problems.join('; '),
  };
}
