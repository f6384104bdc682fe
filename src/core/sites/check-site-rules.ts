import { duplicatesIn } from './check-site-references.ts';
import { findAll, findStrings, isRecord } from './doc-paths.ts';
import { formatDocPath, type DocPath, type PathIssue } from './site-problem.ts';

const INSTANCE_KINDS = ['redis', 'csbRedis', 'redisClusters', 'redisProxies', 'kafka', 'fastdfs'] as const;

/**
 * Rules across parts of the raw document: unique instance names (opsgate's and ADM's), ADM names that follow
 * the naming rule, replication and zone layouts that make sense, and an approval policy that can be satisfied.
 */
export function checkSiteRules(doc: unknown): PathIssue[] {
  return [...checkInstances(doc), ...checkOceanbase(doc), ...checkPolicy(doc)];
}

function checkInstances(doc: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const patterns = [...INSTANCE_KINDS.map((k) => `middleware.${k}.*.name`), 'oceanbase.*.name'];
  issues.push(
    ...uniqueValues(
      patterns.flatMap((p) => findStrings(doc, p)),
      'instance name',
    ),
  );
  const admNames = INSTANCE_KINDS.flatMap((k) => findStrings(doc, `middleware.${k}.*.admInstance`));
  issues.push(...uniqueValues(admNames, 'ADM instance name'));
  const rule = namingRule(doc);
  if (rule !== undefined) {
    for (const { path, value } of admNames) {
      if (!rule.test(value))
        issues.push({ path, message: `does not follow the ADM naming rule (adm.naming.pattern ${rule.source})` });
    }
  }
  for (const kind of ['redis', 'csbRedis', 'redisProxies'] as const) {
    for (const inst of findAll(doc, `middleware.${kind}.*`)) {
      if (!isRecord(inst.value) || !Array.isArray(inst.value.replicas)) continue;
      const at = inst.value.replicas.indexOf(inst.value.master);
      if (at >= 0)
        issues.push({ path: [...inst.path, 'replicas', at], message: 'the master cannot also be a replica' });
    }
  }
  const clusters = new Set(findStrings(doc, 'middleware.redisClusters.*.name').map((f) => f.value));
  for (const { path, value } of findStrings(doc, 'middleware.redisProxies.*.cluster')) {
    if (!clusters.has(value))
      issues.push({ path, message: `no Redis cluster named "${value}" in middleware.redisClusters` });
  }
  return issues;
}

function checkOceanbase(doc: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const cluster of findAll(doc, 'oceanbase.*')) {
    const zones = findAll(cluster.value, 'zones.*');
    issues.push(
      ...uniqueValues(
        findStrings(cluster.value, 'zones.*.name').map((f) => at(cluster.path, f)),
        'zone name',
      ),
    );
    const inZone = new Map<string, string>();
    for (const zone of zones) {
      const zoneName = isRecord(zone.value) ? String(zone.value.name) : '?';
      for (const h of findStrings(zone.value, 'hosts.*')) {
        const other = inZone.get(h.value);
        if (other !== undefined && other !== zoneName) {
          issues.push({
            path: [...cluster.path, ...zone.path, ...h.path],
            message: `host "${h.value}" is already in zone "${other}"`,
          });
        }
        inZone.set(h.value, zoneName);
      }
      if (isRecord(zone.value))
        issues.push(...duplicatesIn(zone.value.hosts, [...cluster.path, ...zone.path, 'hosts']));
    }
  }
  return issues;
}

function checkPolicy(doc: unknown): PathIssue[] {
  const policy = findAll(doc, 'policy').at(0)?.value;
  if (!isRecord(policy)) return [];
  const issues: PathIssue[] = [];
  const people = (key: string): { users: string[]; groups: string[] } => ({
    users: findStrings(policy, `${key}.users.*`).map((f) => f.value),
    groups: findStrings(policy, `${key}.groups.*`).map((f) => f.value),
  });
  const starters = people('starters');
  if (isRecord(policy.starters) && starters.users.length + starters.groups.length === 0) {
    issues.push({ path: ['policy', 'starters'], message: 'nobody may start runs: give users or groups' });
  }
  const approvers = people('approvers');
  const needed = typeof policy.approvalsNeeded === 'number' ? policy.approvalsNeeded : 1;
  // A user group may hold any number of people, so only a policy of named users alone can be too small.
  const distinct = new Set(approvers.users).size;
  if (isRecord(policy.approvers) && approvers.groups.length === 0 && distinct < needed) {
    const path = policy.approvalsNeeded === undefined ? ['policy', 'approvers'] : ['policy', 'approvalsNeeded'];
    issues.push({ path, message: `needs ${needed} approval(s) but only ${distinct} distinct approver(s) are listed` });
  }
  return issues;
}

function namingRule(doc: unknown): RegExp | undefined {
  const pattern = findStrings(doc, 'adm.naming.pattern').at(0)?.value;
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined; // the schema reports the bad pattern itself
  }
}

function uniqueValues(found: readonly { path: DocPath; value: string }[], what: string): PathIssue[] {
  const first = new Map<string, DocPath>();
  const issues: PathIssue[] = [];
  for (const { path, value } of found) {
    const seen = first.get(value);
    if (seen !== undefined)
      issues.push({ path, message: `duplicate ${what} "${value}" (also at ${formatDocPath(seen)})` });
    else first.set(value, path);
  }
  return issues;
}

function at(prefix: DocPath, f: { path: DocPath; value: string }): { path: DocPath; value: string } {
  return { path: [...prefix, ...f.path], value: f.value };
}
