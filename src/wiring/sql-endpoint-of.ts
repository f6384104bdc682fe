import { requireSecret } from '../adapters/files/resolve-secret.ts';
import type { SqlEndpointConfig } from '../runners/sql/create-sql-session.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import type { Site } from '../core/sites/site.ts';

/**
 * The SQL endpoint of one OceanBase cluster of a site (its sys tenant), with the password resolved. Throws
 * when the site has no such cluster or the password cannot be read.
 */
export async function sqlEndpointOf(site: Site, cluster: string, env: Env): Promise<SqlEndpointConfig> {
  const { spec, baseDir } = site;
  if (spec === undefined || baseDir === undefined)
    throw new Error(`site ${site.name} was not read from a site file: it has no SQL endpoints`);
  const ob = spec.oceanbase.find((o) => o.name === cluster);
  if (ob === undefined) throw new Error(`site ${site.name} has no OceanBase cluster ${cluster}`);
  const host = ob.sys.host === undefined ? undefined : spec.hosts.find((h) => h.name === ob.sys.host);
  const address = host?.address ?? ob.sys.address;
  if (address === undefined)
    throw new Error(`site ${site.name}, cluster ${cluster}: sys host ${ob.sys.host ?? ''} is not a host of the site`);
  const password = await requireSecret(ob.sys.password, { env, baseDir });
  return { host: address, port: ob.sys.port, user: ob.sys.user, password, target: cluster };
}
