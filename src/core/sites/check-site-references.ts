import { findAll, findStrings, isRecord } from './doc-paths.ts';
import { formatDocPath, type DocPath, type PathIssue } from './site-problem.ts';

/** Fields that name a host of the file. */
const HOST_REFS = [
  'ssh.jump.host',
  'groups.*.*',
  ...['redis', 'csbRedis', 'redisProxies'].flatMap((k) => [`middleware.${k}.*.master`, `middleware.${k}.*.replicas.*`]),
  'middleware.redisClusters.*.nodes.*.host',
  'middleware.kafka.*.brokers.*',
  'middleware.kafka.*.zookeeper.hosts.*',
  'middleware.fastdfs.*.tracker.hosts.*',
  'middleware.fastdfs.*.storage.hosts.*',
  'middleware.fastdfs.*.nginx.hosts.*',
  'middleware.fastdfs.*.spares.*',
  'middleware.fastdfs.*.newTracker.host',
  'middleware.fastdfs.*.download.hosts.*',
  'dns.servers.*',
  'dns.components.*.hosts.*',
  'paas.hosts.*',
  'paas.applications.*.hosts.*',
  'paas.businessConfig.*.hosts.*',
  'paas.serviceAddresses.*.hosts.*',
  'oceanbase.*.sys.host',
  'oceanbase.*.sys.alternates.*.host',
  'oceanbase.*.odp.host',
  'oceanbase.*.zones.*.hosts.*',
] as const;

/** Fields that name a host group. */
const GROUP_REFS = [
  'paas.groups.*',
  'paas.applications.*.groups.*',
  'paas.businessConfig.*.groups.*',
  'paas.serviceAddresses.*.groups.*',
] as const;

/** Lists of hosts in which a host may appear only once. */
const HOST_LISTS = [
  'groups.*',
  ...['redis', 'csbRedis', 'redisProxies'].map((k) => `middleware.${k}.*.replicas`),
  'middleware.kafka.*.brokers',
  'middleware.kafka.*.zookeeper.hosts',
  'middleware.fastdfs.*.tracker.hosts',
  'middleware.fastdfs.*.storage.hosts',
  'middleware.fastdfs.*.nginx.hosts',
  'middleware.fastdfs.*.download.hosts',
  'dns.servers',
] as const;

/**
 * Cross-field checks on the raw document: names that must exist (hosts, groups) and names that must be unique
 * (hosts, entries of a host list). Works on the unvalidated document so that these problems are reported
 * together with the schema's.
 */
export function checkSiteReferences(doc: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const hosts = new Set<string>();
  const firstAt = new Map<string, DocPath>();
  for (const { path, value } of findStrings(doc, 'hosts.*.name')) {
    const seen = firstAt.get(value);
    if (seen !== undefined)
      issues.push({ path, message: `duplicate host name "${value}" (also at ${formatDocPath(seen)})` });
    else firstAt.set(value, path);
    hosts.add(value);
  }
  for (const pattern of HOST_REFS) {
    for (const { path, value } of findStrings(doc, pattern)) {
      if (!hosts.has(value)) issues.push({ path, message: `no host named "${value}" in hosts` });
    }
  }
  const groups = new Set(findStrings(doc, 'hosts.*.groups.*').map((f) => f.value));
  const extra = findAll(doc, 'groups').at(0)?.value;
  if (isRecord(extra)) for (const g of Object.keys(extra)) groups.add(g);
  for (const pattern of GROUP_REFS) {
    for (const { path, value } of findStrings(doc, pattern)) {
      if (!groups.has(value))
        issues.push({ path, message: `no host group named "${value}" (groups come from hosts[].groups and groups)` });
    }
  }
  for (const pattern of HOST_LISTS) {
    for (const list of findAll(doc, pattern)) issues.push(...duplicatesIn(list.value, list.path));
  }
  return issues;
}

/** Entries of a list that repeat an earlier entry. */
export function duplicatesIn(list: unknown, path: DocPath, what = 'listed'): PathIssue[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<unknown>();
  const issues: PathIssue[] = [];
  list.forEach((v, i) => {
    if (seen.has(v)) issues.push({ path: [...path, i], message: `"${String(v)}" is ${what} twice` });
    seen.add(v);
  });
  return issues;
}
