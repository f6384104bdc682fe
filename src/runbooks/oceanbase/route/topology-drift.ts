import type { Site } from '../../../core/sites/site.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import type { ClusterServer, ClusterTopology, TenantZones } from './cluster-topology.ts';

/** A rolling upgrade stops one zone at a time; a majority of every Paxos group must survive that. */
export const MIN_ZONES = 3;

/** An observer host as the site file places it: its zone, its name and the address the file gives it. */
export interface FileHost {
  readonly zone: string;
  readonly host: string;
  /** Absent when the host is not among the site file's hosts (the site file's validation names that). */
  readonly address?: string | undefined;
}

/** The site file's picture of a cluster: its zones in file order and their observer hosts. */
export interface FileTopology {
  readonly zones: readonly string[];
  readonly hosts: readonly FileHost[];
}

/** The site file's zones and observer hosts of `ob`, each host with the address the file gives it. */
export function fileTopology(site: Site, ob: Oceanbase): FileTopology {
  const byName = new Map((site.spec?.hosts ?? []).map((h) => [h.name, h.address]));
  return {
    zones: ob.zones.map((z) => z.name),
    hosts: ob.zones.flatMap((z) =>
      z.hosts.map((host) => {
        const address = byName.get(host);
        return address === undefined ? { zone: z.name, host } : { zone: z.name, host, address };
      }),
    ),
  };
}

function endpoint(s: ClusterServer): string {
  return `${s.ip.includes(':') ? `[${s.ip}]` : s.ip}:${s.port}`;
}

/**
 * Every difference between the site file and the cluster, one sentence each, in a stable order: zones the file
 * lists and the cluster lacks and the other way round, servers no host of the file maps to, servers whose zone is
 * not the one the file puts their host in, and file hosts whose address is no server's SVR_IP. The file gives no
 * RPC port, so a host matches every server at its address. Empty when they agree.
 */
export function topologyDifferences(file: FileTopology, cluster: ClusterTopology): string[] {
  const out: string[] = [];
  const clusterZones = new Set(cluster.zones);
  const fileZones = new Set(file.zones);
  for (const z of file.zones)
    if (!clusterZones.has(z)) out.push(`zone ${z} is in the site file but not in the cluster (DBA_OB_ZONES)`);
  for (const z of cluster.zones)
    if (!fileZones.has(z)) out.push(`zone ${z} is in the cluster (DBA_OB_ZONES) but not in the site file`);
  for (const s of cluster.servers) {
    const hosts = file.hosts.filter((h) => h.address === s.ip);
    if (hosts.length === 0) {
      out.push(
        `server ${endpoint(s)} of zone ${s.zone} is in the cluster (DBA_OB_SERVERS) but no observer host of the site file has the address ${s.ip}`,
      );
      continue;
    }
    for (const h of hosts.filter((x) => x.zone !== s.zone))
      out.push(
        `server ${endpoint(s)} is in zone ${s.zone} in the cluster, but the site file puts its host ${h.host} (${s.ip}) in zone ${h.zone}`,
      );
  }
  for (const h of file.hosts) {
    if (h.address === undefined) {
      out.push(`host ${h.host} of zone ${h.zone} is not among the site file's hosts, so its address is unknown`);
      continue;
    }
    if (!cluster.servers.some((s) => s.ip === h.address))
      out.push(
        `host ${h.host} (${h.address}) of zone ${h.zone} in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is ${h.address}`,
      );
  }
  return out;
}

/** The sentence that refuses a cluster whose site file does not describe it, naming every difference. */
export function driftReason(differences: readonly string[], clusterZones: readonly string[]): string {
  const few =
    clusterZones.length < MIN_ZONES
      ? `the cluster has ${clusterZones.length} zone(s) (${clusterZones.join(', ') || 'none'}), and a rolling upgrade needs at least ${MIN_ZONES}; `
      : '';
  return `${few}the site file does not describe the cluster, and opsgate stops only zones and observers the cluster itself names. ${differences.length} difference(s): ${differences.map((d, i) => `(${i + 1}) ${d}`).join('; ')}. Nothing was changed: correct the site file (or the cluster) and plan the upgrade again`;
}

/** The tenants whose resource pools span fewer than `MIN_ZONES` zones (none at all included). */
export function tenantsShortOfZones(tenants: readonly TenantZones[]): TenantZones[] {
  return tenants.filter((t) => t.zones.length < MIN_ZONES);
}

/** The sentence that refuses a cluster with tenants that cannot keep a majority while one zone is down. */
export function tenantsReason(short: readonly TenantZones[]): string {
  const list = short
    .map((t) => `${t.tenant} (${t.zones.length === 0 ? 'no resource pool' : `zones ${t.zones.join(', ')}`})`)
    .join(', ');
  return `tenant(s) ${list} have units in fewer than ${MIN_ZONES} zones (DBA_OB_RESOURCE_POOLS.ZONE_LIST): while one of their zones is stopped such a tenant keeps no majority of its replicas and stops serving. Nothing was changed: spread the tenant's resource pools over at least ${MIN_ZONES} zones first, or upgrade by hand with the DBA`;
}

/**
 * Why the cluster cannot be upgraded as the site file describes it, or undefined when it can: the differences
 * between the file and the cluster first (a tenant's zones mean little while the zones themselves disagree), then
 * the tenants that would lose their majority.
 */
export function topologyRefusal(file: FileTopology, cluster: ClusterTopology): string | undefined {
  const differences = topologyDifferences(file, cluster);
  if (differences.length > 0) return driftReason(differences, cluster.zones);
  const short = tenantsShortOfZones(cluster.tenants);
  return short.length > 0 ? tenantsReason(short) : undefined;
}
