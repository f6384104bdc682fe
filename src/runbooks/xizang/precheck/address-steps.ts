import type { Paas } from '../../../core/sites/paas-schema.ts';
import { hostsInGroup } from '../../../core/sites/resolve-targets.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import { section, sections } from '../shared/sections.ts';
import type { AddressArgs } from './address-findings.ts';
import { middlewareInventory } from './middleware-inventory.ts';
import { grepAddresses } from './precheck-commands.ts';
import { check, type CheckInput } from './precheck-steps.ts';
import type { z } from 'zod';

/** Address → the FQDNs that resolve to it, and the middleware addresses that have none (from the site file). */
function domainMap(spec: SiteFile): Pick<z.infer<typeof AddressArgs>, 'domains' | 'undomained'> {
  const domains: Record<string, string[]> = {};
  const zone = spec.dns?.zone ?? '';
  for (const [name, ip] of Object.entries(spec.dns?.records ?? {}))
    domains[ip] = [...(domains[ip] ?? []), name.endsWith('.') ? name.slice(0, -1) : `${name}.${zone}`];
  const hosts = new Set(middlewareInventory(spec).flatMap((c) => c.hosts));
  const undomained = spec.hosts
    .filter((h) => hosts.has(h.name) && domains[h.address] === undefined)
    .map((h) => `${h.address} (${h.name})`);
  return { domains, undomained };
}

function scanStep(
  spec: SiteFile,
  paasHosts: readonly string[],
  opts: {
    id: string;
    title: string;
    source: string;
    cleanPasses: boolean;
    manual: z.infer<typeof AddressArgs>['manual'];
  },
  locations: Paas['businessConfig'],
): CheckInput {
  const parts = new Map<string, string[]>();
  for (const loc of locations) {
    const hosts = [
      ...(loc.hosts ?? []),
      ...(loc.groups ?? []).flatMap((g) => hostsInGroup(spec, g).map((h) => h.name)),
    ];
    for (const host of new Set(hosts))
      for (const path of loc.paths)
        parts.set(host, [...(parts.get(host) ?? []), section('scan', path, grepAddresses(path, loc.include))]);
  }
  const args: z.infer<typeof AddressArgs> = {
    source: opts.source,
    cleanPasses: opts.cleanPasses,
    manual: opts.manual,
    ...domainMap(spec),
  };
  // Nothing on a host to scan: only the manual part remains (the step still names one host, as every step does).
  const commands =
    parts.size > 0
      ? [...parts].map(([host, p]) => ({ host, command: sections(p) }))
      : paasHosts.slice(0, 1).map((host) => ({ host, command: 'true' }));
  return check({
    id: opts.id,
    title: opts.title,
    targets: hostTargets(commands.map((c) => c.host)),
    commands,
    evaluator: 'precheck.addresses',
    evaluatorArgs: args,
  });
}

/**
 * 10-11. Business connection settings and CSB/ISP service addresses use domain names, not IP addresses: what the
 * site file names on the hosts is scanned; the configuration centre and the service management are for a person,
 * with every address to look for and the domain to use instead.
 */
export function addressSteps(spec: SiteFile, paas: Paas, paasHosts: readonly string[]): CheckInput[] {
  return [
    scanStep(
      spec,
      paasHosts,
      {
        id: 'p10-business-config',
        title: '10. Business connection settings use domain names, not IP addresses',
        source: 'paas.businessConfig',
        cleanPasses: true,
        manual: {
          title: 'Connection settings in the configuration centre (配置中心) use domain names',
          where:
            'In the configuration centre, check every connection setting of the business applications (Redis, Kafka, ZooKeeper, FastDFS); after a change the business publishes it and restarts the applications',
        },
      },
      paas.businessConfig,
    ),
    scanStep(
      spec,
      paasHosts,
      {
        id: 'p11-service-addresses',
        title: '11. CSB / ISP service addresses are domain names',
        source: 'paas.serviceAddresses',
        cleanPasses: false,
        manual: {
          title: 'Service addresses in the CSB / ISP service management (服务管理) are domain names',
          where:
            'In the service management of the CSB and of the business ISP, check the address of every service; change each that is an IP address to its domain name and publish it',
        },
      },
      paas.serviceAddresses,
    ),
  ];
}
