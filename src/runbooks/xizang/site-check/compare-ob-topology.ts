import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { toSite } from '../../../core/sites/site.ts';
import type { ClusterTopology } from '../../oceanbase/route/cluster-topology.ts';
import { fileTopology, topologyDifferences } from '../../oceanbase/route/topology-drift.ts';

/**
 * The OceanBase cluster `index` of the file against its own topology (DBA_OB_ZONES, DBA_OB_SERVERS): the same
 * comparison the upgrade refuses on, one difference per sentence, placed at the cluster's `zones`.
 */
export function compareObTopology(spec: SiteFile, index: number, cluster: ClusterTopology): SiteDifference[] {
  const ob = spec.oceanbase[index];
  if (ob === undefined) return [];
  const file = fileTopology(toSite(spec), ob);
  const fileZones = ob.zones.map((z) => `${z.name} (${z.hosts.join(', ')})`).join(', ');
  const has = cluster.zones
    .map((z) => {
      const servers = cluster.servers.filter((s) => s.zone === z).map((s) => s.ip);
      return `${z} (${servers.join(', ') || 'no server'})`;
    })
    .join(', ');
  return topologyDifferences(file, cluster).map((sentence) => ({
    path: ['oceanbase', index, 'zones'],
    says: `${ob.name} has zones ${fileZones}`,
    has: `zones ${has || 'none'}`,
    evidence: sentence,
  }));
}
