import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';
import { componentEvidence } from './component-evidence.ts';
import { middlewareInventory, type Component } from './middleware-inventory.ts';
import { digRecords } from './precheck-commands.ts';
import { readService, serviceArgs, type ServiceCheck } from './service-reading.ts';
import { sh } from '../../../core/shell-quote.ts';
import { check, type CheckInput } from './precheck-steps.ts';
import { section, sections } from '../shared/sections.ts';

/** Precheck items 5-9. */

/**
 * One command per host printing, per component on it (section `comp INDEX`), the evidence read from the software
 * (`componentEvidence`); with `usage`, its clients, memory and disk as well.
 */
export function evidenceCommands(components: readonly Component[], usage: boolean) {
  const parts = new Map<string, string[]>();
  components.forEach((c, i) => {
    for (const host of c.hosts)
      parts.set(host, [...(parts.get(host) ?? []), section('comp', String(i), componentEvidence(c, { usage }))]);
  });
  return [...parts].map(([host, p]) => ({ host, command: sections(p), timeoutMs: usage ? 120_000 : 60_000 }));
}

function componentArgs(components: readonly Component[]) {
  return components.map((c) => ({
    middleware: c.middleware,
    product: c.product,
    admInstance: c.admInstance,
    mode: c.mode,
    hosts: c.hosts,
    port: c.port,
    home: c.home,
    ...(c.admHome === undefined ? {} : { admHome: c.admHome }),
  }));
}

/**
 * 5-7. Deployed through ADM, instance names following the naming rule, one ADM instance per product. ADM's own
 * records are for a person to read in PowerADM; the hosts give the evidence: each middleware process with its
 * parent (is vesta guarding it?), install path, port, version and role.
 */
export function admSteps(spec: SiteFile): CheckInput[] {
  const components = middlewareInventory(spec);
  const hosts = [...new Set(components.flatMap((c) => c.hosts))];
  const commands = evidenceCommands(components, false);
  const args = {
    components: componentArgs(components),
    naming: spec.adm.naming.pattern,
    example: spec.adm.naming.example,
  };
  return [
    check({
      id: 'p05-adm-deployed',
      title: '5. Every middleware was deployed through ADM (business Redis, Kafka + ZooKeeper, FastDFS, CSB Redis)',
      targets: hostTargets(hosts),
      commands,
      evaluator: 'precheck.adm-deployed',
      evaluatorArgs: args,
    }),
    check({
      id: 'p06-adm-names',
      title: `6. ADM instance names follow the naming rule (e.g. ${spec.adm.naming.example})`,
      // Names live in ADM's own records: nothing on a host tells them, so the step only reaches one host.
      targets: hostTargets(hosts.slice(0, 1)),
      commands: hosts.slice(0, 1).map((host) => ({ host, command: 'true' })),
      evaluator: 'precheck.adm-names',
      evaluatorArgs: args,
    }),
    check({
      id: 'p07-adm-instances',
      title: '7. Each product is deployed in one ADM instance, in the expected mode',
      targets: hostTargets(hosts),
      commands,
      evaluator: 'precheck.adm-instances',
      evaluatorArgs: args,
    }),
  ];
}

type DnsComponentName = NonNullable<SiteFile['dns']>['components'][number]['name'];

/** The init script or unit a DNS component goes by when the site file does not say. */
const DEFAULT_SERVICE: Record<DnsComponentName, string> = {
  bind: 'named',
  'power-dns': 'power-dns',
  'power-api': 'power-api',
};

/**
 * How a DNS component on `host` is read from the software: bind by its `named` process, its DNS port and an
 * authoritative answer for the zone's SOA asked of the host's own address (no recursion); power-dns and power-api
 * by their process and an HTTP answer on the ports the process listens on (the site file's `port` only, when given).
 */
export function dnsComponentCheck(spec: SiteFile, name: DnsComponentName, host: string): ServiceCheck {
  const c = spec.dns?.components.find((x) => x.name === name);
  const process = c?.process ?? (name === 'bind' ? 'sbin/named' : (c?.service ?? DEFAULT_SERVICE[name]));
  if (name !== 'bind') return { name, process, ...(c?.port === undefined ? {} : { port: c.port }), http: true };
  const port = c?.port ?? spec.dns?.port ?? 53;
  const address = addressOf(spec, host);
  const zone = spec.dns?.zone;
  const question = zone === undefined ? '.' : `${zone}.`;
  return {
    name,
    process,
    port,
    answer: {
      tool: `dig +norecurse @${address} -p ${port} ${question} SOA`,
      command: sh`dig +norecurse +time=2 +tries=1 -p ${port} @${address} ${question} SOA`,
      // With a zone: answered with NOERROR and authoritatively (`aa`); without one, any DNS answer.
      pattern:
        zone === undefined
          ? String.raw`^;; ->>HEADER<<- opcode: QUERY, status: [A-Z]+`
          : String.raw`^;; ->>HEADER<<- opcode: QUERY, status: NOERROR,[\s\S]*^;; flags:[^;]* aa[ ;]`,
    },
  };
}

/**
 * 8. Centre A has power-dns, bind and power-api, each read from the software on the hosts the site file gives for it
 * (on the DNS servers when the site file lacks it): see `dnsComponentCheck`.
 */
export function centreAStep(spec: SiteFile): CheckInput {
  const dns = spec.dns;
  const parts = new Map<string, string[]>();
  const servers = dns?.servers ?? [spec.hosts[0]?.name ?? ''];
  const checks: { name: DnsComponentName; host: string; check: ReturnType<typeof serviceArgs> }[] = [];
  for (const name of ['bind', 'power-dns', 'power-api'] as const) {
    const c = dns?.components.find((x) => x.name === name);
    for (const host of c?.hosts ?? servers) {
      const sc = dnsComponentCheck(spec, name, host);
      checks.push({ name, host, check: serviceArgs(sc) });
      parts.set(host, [...(parts.get(host) ?? []), section('component', `${name} ${host}`, readService(sc))]);
    }
  }
  return check({
    id: 'p08-centre-a',
    title: '8. Centre A has power-dns, bind and power-api',
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p) })),
    evaluator: 'precheck.centre-a',
    evaluatorArgs: { inSiteFile: (dns?.components ?? []).map((c) => c.name), checks },
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
