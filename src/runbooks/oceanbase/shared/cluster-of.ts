import type { Site } from '../../../core/sites/site.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import { ObClusterUnknownError } from './ob-runbook-errors.ts';

/** The cluster's hosts, zone by zone, in site-file order. */
export function clusterHosts(ob: Oceanbase): string[] {
  return ob.zones.flatMap((z) => z.hosts);
}

/** The OceanBase cluster `name` of the site file; throws `ObClusterUnknownError` naming the ones there are. */
export function clusterOf(site: Site, name: string): Oceanbase {
  const all = site.spec?.oceanbase ?? [];
  const ob = all.find((o) => o.name === name);
  if (ob === undefined)
    throw new ObClusterUnknownError(
      site.name,
      name,
      all.map((o) => o.name),
    );
  return ob;
}

/** A step id fragment for a zone: lower-case letters, digits and dashes, kept short. */
export function zoneSlug(zone: string): string {
  return (
    zone
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'zone'
  );
}
