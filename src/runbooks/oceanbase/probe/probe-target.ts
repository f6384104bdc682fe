import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import type { Site } from '../../../core/sites/site.ts';
import type { ProbeEndpoint, ProbeTarget } from './probe-commands.ts';

/**
 * Where the business probe connects, as the business does. With `odp` in the site file it goes through ODP
 * (obproxy), which routes each statement to the partition's leader and moves to another observer when one goes
 * away (obd's obproxy plugin: `listen_port` 2883, `rs_list` the observers' `ip:sql_port`, a connect retried
 * `connect_observer_max_retries` times; oceanbase/obdeploy, plugins/obproxy/3.1.0/parameter.yaml at
 * 16f14f5911625380bfdf0c648821a2ebb988d08c). Without ODP it goes to an observer outside the zone being upgraded:
 * the sys endpoint when it is not an observer of that zone, else the first observer of the next zone in the site
 * file (the restart of an observer the probe sat on would measure the probe's own connection, not the cluster).
 */
export interface ProbeRoute {
  readonly target: ProbeTarget;
  /** Through ODP: one endpoint for the whole run. */
  readonly viaOdp: boolean;
  /** The endpoint to use while each zone (by name) is upgraded. */
  readonly perZone: ReadonlyMap<string, ProbeEndpoint>;
}

function addressOf(site: Site, ref: { host?: string | undefined; address?: string | undefined }): string | undefined {
  if (ref.address !== undefined) return ref.address;
  return site.spec?.hosts.find((h) => h.name === ref.host)?.address;
}

/** The business probe's route, when the site file names a business tenant; see `ProbeRoute`. */
export function probeRoute(site: Site, ob: Oceanbase): ProbeRoute | undefined {
  const t = ob.probeTenant;
  const probeHost = ob.zones[0]?.hosts[0];
  if (t === undefined || probeHost === undefined) return undefined;
  const sys = addressOf(site, ob.sys);
  if (sys === undefined) return undefined;
  const observerOf = (zone: number): ProbeEndpoint | undefined => {
    const host = ob.zones[zone]?.hosts[0];
    const address = host === undefined ? undefined : addressOf(site, { host });
    return address === undefined ? undefined : { address, port: ob.sys.port };
  };
  const perZone = new Map<string, ProbeEndpoint>();
  const odpAddress = ob.odp === undefined ? undefined : addressOf(site, ob.odp);
  if (ob.odp !== undefined && odpAddress !== undefined) {
    for (const z of ob.zones) perZone.set(z.name, { address: odpAddress, port: ob.odp.port });
  } else {
    const sysEndpoint = { address: sys, port: ob.sys.port };
    ob.zones.forEach((z, i) => {
      const inZone = z.hosts.some((h) => h === ob.sys.host || addressOf(site, { host: h }) === sys);
      const other = observerOf((i + 1) % ob.zones.length);
      perZone.set(z.name, inZone && other !== undefined ? other : sysEndpoint);
    });
  }
  const first = perZone.get(ob.zones[0]?.name ?? '');
  if (first === undefined) return undefined;
  const fallbacks = [...new Set([...perZone.values()].map((e) => `${e.address} ${e.port}`))]
    .map((line) => [...perZone.values()].find((e) => `${e.address} ${e.port}` === line))
    .filter((e): e is ProbeEndpoint => e !== undefined && (e.address !== first.address || e.port !== first.port));
  return {
    viaOdp: odpAddress !== undefined,
    perZone,
    target: {
      cluster: ob.name,
      host: probeHost,
      address: first.address,
      port: first.port,
      user: t.user,
      database: t.database ?? 'test',
      ...(fallbacks.length > 0 ? { fallbacks } : {}),
    },
  };
}
