import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { Site } from '../../../core/sites/site.ts';
import type { HostCommand } from '../../../core/plan/step-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';

/** The whole site file of `site`; a runbook of this family cannot plan from the engine's small view alone. */
export function requireSpec(runbook: string, site: Site): SiteFile {
  if (site.spec === undefined)
    throw new RunbookInvalidError(runbook, undefined, `site ${site.name} was loaded without its site file details`);
  return site.spec;
}

/** The address of a host of the site, as the site file gives it. */
export function addressOf(spec: SiteFile, host: string): string {
  const h = spec.hosts.find((x) => x.name === host);
  if (h === undefined) throw new RunbookInvalidError('xizang', undefined, `host ${host} is not in site ${spec.id}`);
  return h.address;
}

/** Host targets in the order given (duplicates dropped). */
export function hostTargets(hosts: readonly string[], extra: { oneAtATime?: boolean; group?: string } = {}) {
  return { kind: 'hosts' as const, hosts: [...new Set(hosts)], ...extra };
}

/** One command per host, built per host. */
export function perHost(hosts: readonly string[], build: (host: string) => string, timeoutMs?: number): HostCommand[] {
  return [...new Set(hosts)].map((host) => ({
    host,
    command: build(host),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  }));
}

/** `/app/soft/redis-5.0.5` → `/app/soft/redis-5.0.5_bak`: the seed's backup naming. */
export function bakOf(path: string): string {
  return `${path.replace(/\/+$/, '')}_bak`;
}

/** The directory holding `path` (`/app/soft/redis` → `/app/soft`). */
export function parentOf(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

/**
 * The top directory of an absolute path (`/mysql/fastdfs/x` → `/mysql`): it exists before an install creates the rest.
 */
export function topDir(path: string): string {
  return `/${path.split('/').filter(Boolean)[0] ?? ''}`;
}

/** `/etc/init.d/NAME`: where the site's services have their init scripts. */
export function initScript(service: string): string {
  return `/etc/init.d/${service}`;
}

/**
 * The ADM instance name of one component of a middleware whose products share hosts (ZooKeeper next to Kafka,
 * tracker, storage and nginx of FastDFS): ADM keeps one instance per name on a host, so each component gets
 * its own name, derived from the site's name so that it still follows the naming rule
 * (`易联众-公共服务子系统Kafka-A` → `易联众-公共服务子系统ZooKeeper-Kafka-A`).
 */
export function componentInstance(admInstance: string, component: string | undefined): string {
  if (component === undefined) return admInstance;
  const m = /^(.*?)((?:Redis|Kafka|FastDFS)-[A-Z])$/u.exec(admInstance);
  return m === null ? `${admInstance}-${component}` : `${m[1] ?? ''}${component}-${m[2] ?? ''}`;
}
