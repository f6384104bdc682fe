import { confOf, serviceOf, type HostFacts, type ProcFacts } from './host-facts.ts';
import { hostOfAddress, parentOf, type DiscoverInput, type Draft, type Drafted } from './discovered-site.ts';

function keepalivedBeside(
  facts: HostFacts,
  notes: string[],
  host: string,
): { keepalived?: Draft; vip?: string } | undefined {
  const ka = facts.procs.find((p) => p.prog.endsWith('/keepalived'));
  if (ka === undefined) return undefined;
  const config = confOf(ka, 'file') ?? '/etc/keepalived/keepalived.conf';
  const home = parentOf(ka.prog, 2);
  const vrrp = (ka.conf.get('vrrp') ?? []).map((v) => v.split(' '));
  // The instance whose VIP the host holds now, else the first one the config declares.
  const held = vrrp.find(([, , vip]) => vip !== undefined && facts.addresses.includes(vip)) ?? vrrp[0];
  const [instance, routerId, vip] = held ?? [];
  if (vrrp.length > 1)
    notes.push(`${host}: keepalived declares ${vrrp.length} VRRP instances; the draft takes ${instance ?? '?'}`);
  if (instance !== undefined)
    notes.push(
      `${host}: keepalived VRRP instance ${instance} (virtual_router_id ${routerId ?? '?'}, VIP ${vip ?? '?'})`,
    );
  const service = serviceOf(facts, { home, config, prog: ka.prog }) ?? 'keepalived';
  return { keepalived: { home, config, service }, ...(vip === undefined ? {} : { vip }) };
}

function instanceOf(input: DiscoverInput, host: string, p: ProcFacts, notes: string[]): Draft {
  const facts = input.facts.get(host);
  const home = parentOf(p.prog, 2);
  const config = p.info.get('config_file') ?? confOf(p, 'file') ?? `${home}/redis.conf`;
  const port = p.ports[0] ?? 6379;
  const replicas: string[] = [];
  for (const [k, v] of p.info) {
    if (!/^slave\d+$/.test(k)) continue;
    const ip = /(?:^|,)ip=([^,]+)/.exec(v)?.[1] ?? '';
    const name = hostOfAddress(input, ip);
    if (name === undefined) notes.push(`${host}:${port}: replica ${ip} is not in the hosts file`);
    else replicas.push(name);
  }
  if (p.info.size === 0) notes.push(`${host}:${port}: redis-cli INFO gave no answer: role and replicas unknown`);
  const service = (facts && serviceOf(facts, { home, config, prog: p.prog })) ?? 'redis';
  const ka = facts === undefined ? undefined : keepalivedBeside(facts, notes, host);
  const data = confOf(p, 'dir');
  return {
    master: host,
    replicas,
    port,
    ...(ka?.vip === undefined ? {} : { vip: ka.vip }),
    ...(confOf(p, 'requirepass') === 'set' ? { password: { env: 'REDIS_PASSWORD' } } : {}),
    home,
    data: data === undefined || data === '' ? `${home}/data` : data,
    config,
    service,
    ...(ka?.keepalived === undefined ? {} : { keepalived: ka.keepalived }),
  };
}

/**
 * The Redis master/replica pairs the hosts run: one instance per master (a Redis whose INFO says `role:master`, or
 * that gives no INFO), its replicas from INFO's `slaveN` lines, the keepalived beside it (its config, and the VIP of
 * its VRRP instance). A pair whose hosts are in a group named `csb` is a CSB gateway Redis (`csbRedis`).
 */
export function draftRedis(input: DiscoverInput): Drafted<{ redis: Draft[]; csbRedis: Draft[] }> {
  const notes: string[] = [];
  const redis: Draft[] = [];
  const csbRedis: Draft[] = [];
  for (const h of input.hosts) {
    for (const p of input.facts.get(h.name)?.procs ?? []) {
      if (!p.prog.endsWith('/redis-server')) continue;
      const role = p.info.get('role');
      if (role === 'slave') {
        const master = hostOfAddress(input, p.info.get('master_host') ?? '');
        if (master === undefined)
          notes.push(`${h.name}: a replica of ${p.info.get('master_host') ?? '?'}, which is not in the hosts file`);
        continue;
      }
      const instance = instanceOf(input, h.name, p, notes);
      const members = [h.name, ...(instance.replicas as string[])];
      const csb = members.some((m) => input.hosts.find((x) => x.name === m)?.groups.includes('csb'));
      const list = csb ? csbRedis : redis;
      const kind = csb ? 'csb-redis' : 'redis';
      const name = `${kind}-${list.length + 1}`;
      const envName = `${kind.toUpperCase().replace(/-/g, '_')}_${list.length + 1}_PASSWORD`;
      list.push({
        name,
        admInstance: `TODO ${name}`,
        ...instance,
        ...(instance.password === undefined ? {} : { password: { env: envName } }),
      });
    }
  }
  return { value: { redis, csbRedis }, notes };
}
