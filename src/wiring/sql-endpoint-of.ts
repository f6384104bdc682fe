import { requireSecret } from '../adapters/files/resolve-secret.ts';
import type { SqlEndpointConfig } from '../runners/sql/create-sql-session.ts';
import type { SqlAlternate } from '../runners/sql/sql-failover.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import type { Site } from '../core/sites/site.ts';
import type { Oceanbase } from '../core/sites/oceanbase-schema.ts';

/**
 * The SQL endpoint of one OceanBase cluster of a site (its sys tenant), with the password resolved and the other
 * observers to try when it does not answer (its zone is being upgraded): the site file's `sys.alternates`, or,
 * when the sys endpoint is an observer of a zone, the first host of every other zone at the same port. Throws
 * when the site has no such cluster, a host named is not a host of the site, or the password cannot be read.
 */
export async function sqlEndpointOf(site: Site, cluster: string, env: Env): Promise<SqlEndpointConfig> {
  const { spec, baseDir } = site;
  if (spec === undefined || baseDir === undefined)
    throw new Error(`site ${site.name} was not read from a site file: it has no SQL endpoints`);
  const ob = spec.oceanbase.find((o) => o.name === cluster);
  if (ob === undefined) throw new Error(`site ${site.name} has no OceanBase cluster ${cluster}`);
  const addressOf = (name: string | undefined, what: string): string | undefined => {
    if (name === undefined) return undefined;
    const host = spec.hosts.find((h) => h.name === name);
    if (host === undefined)
      throw new Error(`site ${site.name}, cluster ${cluster}: ${what} ${name} is not a host of the site`);
    return host.address;
  };
  const address = addressOf(ob.sys.host, 'sys host') ?? ob.sys.address;
  if (address === undefined) throw new Error(`site ${site.name}, cluster ${cluster}: the sys endpoint has no address`);
  const alternates: SqlAlternate[] = (ob.sys.alternates ?? derivedAlternates(ob)).map((a, i) => {
    const host = addressOf(a.host, `sys.alternates[${i}] host`) ?? a.address;
    if (host === undefined)
      throw new Error(`site ${site.name}, cluster ${cluster}: sys.alternates[${i}] has no address`);
    return { host, port: a.port ?? ob.sys.port };
  });
  const password = await requireSecret(ob.sys.password, { env, baseDir });
  return {
    host: address,
    port: ob.sys.port,
    user: ob.sys.user,
    password,
    target: cluster,
    ...(alternates.length > 0 ? { alternates } : {}),
  };
}

/** When the sys endpoint is an observer of a zone: the first host of every other zone (same port). */
function derivedAlternates(ob: Oceanbase): { host?: string; address?: string; port?: number }[] {
  const own = ob.zones.find((z) => ob.sys.host !== undefined && z.hosts.includes(ob.sys.host));
  if (own === undefined) return [];
  return ob.zones.filter((z) => z !== own).flatMap((z) => (z.hosts[0] === undefined ? [] : [{ host: z.hosts[0] }]));
}
