import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LabInfo } from '../../src/wiring/lab/index.ts';
import { REPO_ROOT } from '../../src/wiring/lab/index.ts';

/** The bench's requester and approver (the precheck needs no approval; the policy names them anyway). */
export const BENCH_REQUESTER = 'UBENCHOPERATOR';
const BENCH_APPROVER = 'UBENCHAPPROVER';

/** The site id of the generated site. */
export const PRECHECK_SITE = 'benchsite';

/**
 * The lab's Xizang hosts in the order the generated site gives their roles to bare hosts: the middleware hosts
 * first (two business Redis, two CSB Redis, three Kafka/ZooKeeper, three FastDFS, one DNS), then the two PaaS hosts;
 * every other bare host joins the PaaS group, so that every step of the precheck runs its commands on a host.
 */
const ROLE_ORDER = [
  'redis-a',
  'redis-b',
  'csb-redis-a',
  'csb-redis-b',
  'kafka-1',
  'kafka-2',
  'kafka-3',
  'fdfs-1',
  'fdfs-2',
  'fdfs-3',
  'dns-1',
  'paas-1',
  'paas-2',
];

/**
 * Writes a Xizang-shaped site file for the first `n` hosts of a bare lab into `dir` (with its Redis password
 * files): lab/sites/xizang.yml with its hosts, addresses and VIPs moved onto the bare hosts, no OceanBase (the
 * precheck does not read it), the bare lab's key and known_hosts. Returns the file's path.
 */
export function writePrecheckSite(lab: LabInfo, dir: string, n: number): string {
  if (n < ROLE_ORDER.length || n > lab.hosts.length)
    throw new Error(`the precheck site needs ${ROLE_ORDER.length} to ${lab.hosts.length} hosts, got ${n}`);
  mkdirSync(dir, { recursive: true });
  const template = parse(readFileSync(join(REPO_ROOT, 'lab', 'sites', 'xizang.yml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const oldHosts = template.hosts as { name: string; address: string; groups: string[] }[];
  const bare = lab.hosts.slice(0, n);
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  ROLE_ORDER.forEach((old, i) => {
    const h = bare[i];
    const was = oldHosts.find((o) => o.name === old);
    if (h === undefined || was === undefined) return;
    names.set(old, h.name);
    addresses.set(was.address, h.address);
  });
  // VIPs (10.77.0.100-102) and the bridge move to the same last octet of the bare lab's net.
  const oldNet = (oldHosts[0]?.address ?? '').split('.').slice(0, 3).join('.');
  const move = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (names.has(v)) return names.get(v);
      if (addresses.has(v)) return addresses.get(v);
      if (v.startsWith(`${oldNet}.`)) return `${lab.net}.${v.slice(oldNet.length + 1)}`;
      return v;
    }
    if (Array.isArray(v)) return v.map(move);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, move(x)]));
    return v;
  };
  const site = move(template) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const groupOf = new Map(oldHosts.map((o) => [names.get(o.name) ?? '', o.groups]));
  site.id = PRECHECK_SITE;
  site.name = `Precheck bench site (${n} hosts)`;
  site.hosts = bare.map((h) => ({ name: h.name, address: h.address, groups: groupOf.get(h.name) ?? ['paas'] }));
  delete site.oceanbase;
  site.ssh = { user: 'root', privateKey: { file: lab.clientKey }, knownHosts: { file: lab.knownHosts } };
  const secret = (name: string): { file: string } => {
    const file = join(dir, `${name}-password`);
    writeFileSync(file, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    return { file };
  };
  for (const r of site.middleware.redis) r.password = secret(r.name);
  for (const r of site.middleware.csbRedis) r.password = secret(r.name);
  for (const p of site.paas.packages)
    p.source = join(REPO_ROOT, 'lab', 'roles', 'data', 'packages', basename(String(p.source)));
  site.policy = {
    starters: { users: [BENCH_REQUESTER] },
    approvers: { users: [BENCH_APPROVER] },
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiry: '30m',
  };
  const file = join(dir, `${PRECHECK_SITE}.yml`);
  writeFileSync(file, stringify(site));
  return file;
}
