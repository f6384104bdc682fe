import { sh } from '../../../core/shell-quote.ts';
import type { Paas } from '../../../core/sites/paas-schema.ts';
import { hostsInGroup } from '../../../core/sites/resolve-targets.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';
import { middlewareInventory, type Component } from './middleware-inventory.ts';
import { admMarkers, digRecords, grepAddresses, serviceState } from './precheck-commands.ts';
import { check, type CheckInput } from './precheck-steps.ts';
import { section, sections } from '../shared/sections.ts';

/** Precheck items 5-11 and the middleware resources document. */

function markerCommands(spec: SiteFile, hosts: readonly string[]) {
  return hosts.map((host) => ({ host, command: sections([section('markers', host, admMarkers(spec.adm.markers))]) }));
}

function componentArgs(components: readonly Component[]) {
  return components.map((c) => ({
    middleware: c.middleware,
    product: c.product,
    admInstance: c.admInstance,
    admProduct: c.admProduct,
    hosts: c.hosts,
  }));
}

/** 5-7. Deployed through ADM (markers), instance names following the naming rule, one ADM instance per product. */
export function admSteps(spec: SiteFile): CheckInput[] {
  const components = middlewareInventory(spec);
  const hosts = [...new Set(components.flatMap((c) => c.hosts))];
  const args = {
    components: componentArgs(components),
    naming: spec.adm.naming.pattern,
    example: spec.adm.naming.example,
    markers: spec.adm.markers,
  };
  return [
    check({
      id: 'p05-adm-deployed',
      title: '5. Every middleware was deployed through ADM (business Redis, Kafka + ZooKeeper, FastDFS, CSB Redis)',
      targets: hostTargets(hosts),
      commands: markerCommands(spec, hosts),
      evaluator: 'precheck.adm-deployed',
      evaluatorArgs: args,
    }),
    check({
      id: 'p06-adm-names',
      title: `6. ADM instance names follow the naming rule (e.g. ${spec.adm.naming.example})`,
      targets: hostTargets(hosts),
      commands: markerCommands(spec, hosts),
      evaluator: 'precheck.adm-names',
      evaluatorArgs: args,
    }),
    check({
      id: 'p07-adm-instances',
      title: '7. Each product is deployed in one ADM instance, in the expected mode',
      targets: hostTargets(hosts),
      commands: markerCommands(spec, hosts),
      evaluator: 'precheck.adm-instances',
      evaluatorArgs: args,
    }),
  ];
}

/**
 * 8. Centre A has power-dns, bind and power-api (each is looked for on the DNS servers when the site file lacks it).
 */
export function centreAStep(spec: SiteFile): CheckInput {
  const dns = spec.dns;
  const wanted = ['bind', 'power-dns', 'power-api'] as const;
  const defaults: Record<(typeof wanted)[number], string> = {
    bind: 'named',
    'power-dns': 'power-dns',
    'power-api': 'power-api',
  };
  const parts = new Map<string, string[]>();
  const servers = dns?.servers ?? [spec.hosts[0]?.name ?? ''];
  for (const name of wanted) {
    const c = dns?.components.find((x) => x.name === name);
    for (const host of c?.hosts ?? servers) {
      parts.set(host, [
        ...(parts.get(host) ?? []),
        section('component', `${name} ${host}`, serviceState(c?.service ?? defaults[name])),
      ]);
    }
  }
  return check({
    id: 'p08-centre-a',
    title: '8. Centre A has power-dns, bind and power-api',
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p) })),
    evaluator: 'precheck.centre-a',
    evaluatorArgs: { inSiteFile: (dns?.components ?? []).map((c) => c.name) },
  });
}

/** 9. Every record the site expects resolves, through each DNS server (real queries), to what ADM generated. */
export function dnsRecordsStep(spec: SiteFile): CheckInput | undefined {
  const dns = spec.dns;
  if (dns === undefined) return undefined;
  const names = Object.keys(dns.records);
  return check({
    id: 'p09-dns-records',
    title: `9. ${dns.zone} records match what ADM generated`,
    targets: hostTargets(dns.servers),
    commands: dns.servers.map((host) => ({
      host,
      command: sections([section('dig', host, digRecords(addressOf(spec, host), dns.port, dns.zone, names))]),
    })),
    evaluator: 'precheck.dns-records',
    evaluatorArgs: { zone: dns.zone, records: dns.records },
  });
}

function scanStep(
  spec: SiteFile,
  id: string,
  title: string,
  evaluator: string,
  locations: Paas['businessConfig'],
): CheckInput | undefined {
  const parts = new Map<string, string[]>();
  for (const loc of locations) {
    const hosts = [
      ...(loc.hosts ?? []),
      ...(loc.groups ?? []).flatMap((g) => hostsInGroup(spec, g).map((h) => h.name)),
    ];
    for (const host of new Set(hosts))
      parts.set(host, [
        ...(parts.get(host) ?? []),
        section('scan', loc.paths.join(','), grepAddresses(loc.paths, loc.include)),
      ]);
  }
  if (parts.size === 0) return undefined;
  return check({
    id,
    title,
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p) })),
    evaluator,
  });
}

/** 10-11. Business connection settings and CSB/ISP service addresses use domain names, not IP addresses. */
export function addressSteps(spec: SiteFile): CheckInput[] {
  const p = spec.paas;
  if (p === undefined) return [];
  return [
    scanStep(
      spec,
      'p10-business-config',
      '10. Business connection settings use domain names, not IP addresses',
      'precheck.addresses',
      p.businessConfig,
    ),
    scanStep(
      spec,
      'p11-service-addresses',
      '11. CSB / ISP service addresses are domain names',
      'precheck.addresses',
      p.serviceAddresses,
    ),
  ].filter((s): s is CheckInput => s !== undefined);
}

/** The version word of a component on a host, or `unknown`. */
function versionCommand(c: Component): string {
  const v = (cmd: string) => `v=$( { ${cmd}; } 2>/dev/null | head -n 1); echo "\${v:-unknown}"`;
  switch (c.versionProbe) {
    case 'redis':
      return v(sh`${`${c.home}/bin/redis-server`} --version | sed -n ${String.raw`s/.*v=\([^ ]*\).*/\1/p`}`);
    case 'kafka':
      return v(sh`ls -1 ${`${c.home}/libs`} | sed -n ${String.raw`s/^kafka_[0-9.]*-\(.*\)\.jar$/\1/p`}`);
    case 'zookeeper':
      return v(sh`basename ${c.home} | grep -oE ${String.raw`[0-9]+(\.[0-9]+)+`}`);
    case 'fdfs':
      return v(
        sh`cat ${`${c.home}/logs`}/*.log /var/log/fdfs_*.out | grep -oE 'FastDFS v[0-9.]+' | tail -n 1 | cut -c10-`,
      );
    case 'nginx':
      return v(sh`${`${c.home}/sbin/nginx`} -v 2>&1 | sed -n 's|.*nginx/||p'`);
  }
}

/** 《业务的中间件资源情况》: hosts, instances, ADM names, modes, live versions, ports, as Markdown and CSV. */
export function resourcesStep(spec: SiteFile): CheckInput {
  const components = middlewareInventory(spec);
  const parts = new Map<string, string[]>();
  components.forEach((c, i) => {
    for (const host of c.hosts)
      parts.set(host, [...(parts.get(host) ?? []), section('version', String(i), versionCommand(c))]);
  });
  return check({
    id: 'p12-resources',
    title: 'Middleware resources document (业务的中间件资源情况) for the business to confirm',
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p) })),
    evaluator: 'precheck.resources',
    evaluatorArgs: {
      site: spec.id,
      components: components.map((c) => ({ ...c, addresses: c.hosts.map((h) => addressOf(spec, h)) })),
    },
  });
}
