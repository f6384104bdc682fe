import { z } from 'zod';
import type { DocPath } from '../../../core/sites/site-problem.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';

/**
 * What a run touches, as its site check judges it: the parts of the site file (paths of nodes; `[]` is the whole
 * file) and the hosts it runs on. A difference there refuses the run; a difference elsewhere is only a warning.
 * Plain JSON: it goes into the plan as the check's program arguments, shown in the dry run and hashed.
 */
export const SiteCheckScopeSchema = z.object({
  /** In words, for the findings: `business-redis (middleware.redis[0]) and its hosts`. */
  what: z.string().min(1),
  sections: z.array(z.array(z.union([z.string(), z.number()]))),
  hosts: z.array(z.string()),
});
export type SiteCheckScope = z.infer<typeof SiteCheckScopeSchema>;

/**
 * The host a path of the site file names, where the node is about one host: `hosts[i]`, a Redis master or replica,
 * a Kafka broker, a ZooKeeper server, a FastDFS tracker, storage or nginx host.
 */
export function hostOfPath(spec: SiteFile, path: DocPath): string | undefined {
  const [top, kind, i, part, j, k] = path;
  if (top === 'hosts' && typeof kind === 'number') return spec.hosts[kind]?.name;
  if (top !== 'middleware' || typeof i !== 'number') return undefined;
  const m = spec.middleware;
  if (kind === 'redis' || kind === 'csbRedis') {
    const r = m[kind][i];
    if (part === 'master') return r?.master;
    return part === 'replicas' && typeof j === 'number' ? r?.replicas[j] : undefined;
  }
  if (kind === 'kafka') {
    const x = m.kafka[i];
    if (part === 'brokers' && typeof j === 'number') return x?.brokers[j];
    return part === 'zookeeper' && j === 'hosts' && typeof k === 'number' ? x?.zookeeper.hosts[k] : undefined;
  }
  if (kind === 'fastdfs' && (part === 'tracker' || part === 'storage' || part === 'nginx')) {
    const x = m.fastdfs[i]?.[part];
    return j === 'hosts' && typeof k === 'number' ? x?.hosts[k] : undefined;
  }
  return undefined;
}

/** True when a difference at `path` is about what the run touches: under one of its sections, or one of its hosts. */
export function inScope(spec: SiteFile, scope: SiteCheckScope, path: DocPath): boolean {
  const under = scope.sections.some((s) => s.length <= path.length && s.every((p, n) => path[n] === p));
  if (under) return true;
  const host = hostOfPath(spec, path);
  return host !== undefined && scope.hosts.includes(host);
}
