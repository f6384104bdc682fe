import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import type { DocPath } from '../../../src/core/sites/site-problem.ts';
import { fingerprint } from '../../../src/runners/ssh/known-hosts.ts';
import { opsgate } from '../cli/opsgate-process.ts';
import { startLabSim } from '../oceanbase-upgrade/ob-lab.ts';
import { execOn, getLab, labHost, linkHost } from '../../support/lab.ts';

/**
 * `opsgate sites check` against the real lab: Redis with keepalived, Kafka and ZooKeeper, FastDFS, nginx, and the
 * OceanBase simulator on the bridge (the three-zone `obcluster`; the lab's second cluster has no simulator here, so
 * the site files below leave it out). Drift is made by hand, in a copy of the site file or on a host.
 */

const dirs: string[] = [];
let sim: ObSim | undefined;

beforeAll(async () => {
  sim = await startLabSim();
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The lab's site file without the cluster no simulator answers for, edited by `edit`, in a sites dir of its own. */
async function siteCopy(edit: (yaml: string) => string = (y) => y) {
  const lab = getLab();
  if (lab.siteFile === null) throw new Error('the lab has no site file');
  // Beside the lab's own sites dir, so that its `../secrets/…` references still resolve.
  const dir = mkdtempSync(join(lab.stateDir, 'sites-check-'));
  dirs.push(dir);
  const yaml = readFileSync(lab.siteFile, 'utf8').replace(/^ {2}- name: obsmall\n(?: {4}.*\n)*/m, '');
  const file = join(dir, 'xizang.yml');
  writeFileSync(file, edit(yaml));
  const loaded = await loadSite(file, { env: {}, checkSecrets: false });
  if (!loaded.ok) throw new Error(`the edited site file is not valid: ${JSON.stringify(loaded.error)}`);
  const at = (path: DocPath): string => `${file}:${loaded.value.lineOf(path)}`;
  return { dir, file, at };
}

const check = (dir: string) => opsgate(['sites', 'check', 'xizang'], { OPSGATE_SITES: dir });

/** What changed on the middleware hosts since the lab was ready, leaving out what the software writes by itself. */
async function hostChanges(): Promise<string> {
  const hosts = [
    'redis-a',
    'redis-b',
    'csb-redis-a',
    'csb-redis-b',
    'kafka-1',
    'kafka-2',
    'kafka-3',
    'fdfs-1',
    'fdfs-2',
  ];
  const out: string[] = [];
  for (const h of hosts) {
    const r = await opsgate(['lab', 'diff', h], {});
    const own = /\/(logs?|data|version-2|redis_data|kafka-logs)\/|\.log$|\.pid$/;
    out.push(
      ...r.stdout
        .split('\n')
        .filter((l) => l !== '' && !own.test(l))
        .map((l) => `${h} ${l}`),
    );
  }
  return out.join('\n');
}

describe('opsgate sites check', () => {
  it('finds no difference on a fresh lab and says so in its last line', async () => {
    const { dir } = await siteCopy();
    const r = await check(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(
      /^sites check xizang: 0 difference\(s\), 0 unreadable; 18 host\(s\), \d+ instance\(s\) in [\d.]+s$/,
    );
    process.stderr.write(`${last}\n`);
    // Not a terminal: a few plain progress lines on stderr, one per stage, then the end; stdout stays the report.
    const progress = r.stderr.split('\n').filter((l) => l.includes('sites check:'));
    expect(progress[0]).toMatch(
      /⏳ sites check: waiting \d+ s for the host keys of 18 host\(s\); last seen: connecting/,
    );
    expect(progress).toContainEqual(
      expect.stringMatching(/⏳ sites check: waiting \d+ s for the middleware of 18 host\(s\); last seen: 18 of 18/),
    );
    expect(progress.at(-1)).toMatch(
      /⌛ sites check: .*: ended after \d+ s; last seen: 0 difference\(s\), 0 unreadable$/,
    );
    expect(progress.length).toBeLessThanOrEqual(5);
    expect(r.stdout).not.toMatch(/⏳|⌛/);
  });

  it('names every difference made by hand, with its file line, and changes nothing on the hosts', async () => {
    const { dir, at } = await siteCopy((y) =>
      y
        // business-redis on a port it does not listen on (the first `port: 6379` is business-redis's)
        .replace('      port: 6379\n', '      port: 6380\n')
        // the CSB Redis's replica listed as its master
        .replace(
          'master: csb-redis-a\n      replicas: [csb-redis-b]',
          'master: csb-redis-b\n      replicas: [csb-redis-a]',
        )
        // a Kafka version the brokers do not run
        .replace('      service: kafka\n', '      service: kafka\n      version: 2.4.1\n')
        // a zone the cluster does not have
        .replace(
          '      - { name: zone3, hosts: [ob-3] }\n',
          '      - { name: zone3, hosts: [ob-3] }\n      - { name: zone4, hosts: [ob-4] }\n',
        ),
    );
    const props = '/app/soft/kafka_2.12-2.3.0/config/server.properties';
    // Two brokers' ids swapped in their server.properties (the brokers still run with their old ids).
    const swap = async (from: string, to: string, host: string) => {
      const r = await execOn(host, ['sed', '-i', `s/^broker.id=${from}$/broker.id=${to}/`, props]);
      expect(r.exitCode, r.stderr).toBe(0);
    };
    await swap('1', '2', 'kafka-1');
    await swap('2', '1', 'kafka-2');
    try {
      const before = await hostChanges();
      const r = await check(dir);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const lines = r.stdout.trim().split('\n');
      const a = (h: string) => labHost(h).address;
      const expected = [
        ...['redis-a', 'redis-b'].map(
          (h) =>
            `${at(['middleware', 'redis', 0, 'port'])} middleware.redis[0].port: the site file says business-redis (redis-server) listens on port 6380 on ${h}; the site has nothing listening on port 6380 on ${h} (ss -ltnp 'sport = :6380')`,
        ),
        `${at(['middleware', 'csbRedis', 0, 'master'])} middleware.csbRedis[0].master: the site file says csb-redis-b is the master of csb-redis; the site has csb-redis-b is a replica of csb-redis-a (${a('csb-redis-a')}) (INFO replication role:slave master_host:${a('csb-redis-a')})`,
        `${at(['middleware', 'csbRedis', 0, 'replicas', 0])} middleware.csbRedis[0].replicas[0]: the site file says csb-redis-a is the replica of csb-redis; the site has csb-redis-a is a master (INFO replication role:master)`,
        ...['kafka-1', 'kafka-2', 'kafka-3'].map(
          (h) =>
            `${at(['middleware', 'kafka', 0, 'version'])} middleware.kafka[0].version: the site file says business-kafka is Kafka 2.4.1 on ${h}; the site has Kafka 2.3.0 (the kafka_SCALA-VERSION.jar its class path (or its home libs/) holds)`,
        ),
        ...[
          ['kafka-1', 0, '2'],
          ['kafka-2', 1, '1'],
        ].map(
          ([h, j, id]) =>
            `${at(['middleware', 'kafka', 0, 'brokers', j as number])} middleware.kafka[0].brokers[${j}]: the site file says ${h} (${a(h as string)}) is a broker of business-kafka; the site has its ${props} says broker.id=${id}, and ZooKeeper /brokers/ids/${id} is registered by ${a(id === '1' ? 'kafka-1' : 'kafka-2')}:9092 (${props} broker.id; zkCli get /brokers/ids/${id})`,
        ),
        `${at(['oceanbase', 0, 'zones'])} oceanbase[0].zones: the site file says obcluster has zones zone1 (ob-1), zone2 (ob-2), zone3 (ob-3), zone4 (ob-4); the site has zones zone1 (${a('ob-1')}), zone2 (${a('ob-2')}), zone3 (${a('ob-3')}) (zone zone4 is in the site file but not in the cluster (DBA_OB_ZONES))`,
      ];
      for (const e of expected) expect(lines, r.stdout).toContain(e);
      // The VIP, in the CSB Redis's picture of who is master: held by the replica of the file, not by its master.
      expect(lines.some((l) => l.includes('csbRedis[0].vip: the site file says the VIP'))).toBe(true);
      expect(lines.at(-1)).toMatch(/^sites check xizang: \d+ difference\(s\), 0 unreadable; /);
      expect(await hostChanges()).toBe(before);
    } finally {
      await swap('2', '1', 'kafka-1');
      await swap('1', '2', 'kafka-2');
    }
  });

  it('names a host whose key is not the pinned one', async () => {
    const lab = getLab();
    const { dir, at } = await siteCopy((y) =>
      y.replace(/knownHosts: \{ file: [^}]+\}/, 'knownHosts: { file: ./known_hosts }'),
    );
    const lines = readFileSync(lab.knownHosts, 'utf8').split('\n');
    const keyOf = (h: string) => lines.find((l) => l.startsWith(`${h},`))?.split(' ')[2] ?? '';
    // dns-1 pinned with redis-a's key: what a reinstalled host, or a stranger at its address, looks like.
    const forged = lines.map((l) => (l.startsWith('dns-1,') ? l.replace(keyOf('dns-1'), keyOf('redis-a')) : l));
    writeFileSync(join(dir, 'known_hosts'), forged.join('\n'));
    const fp = (key: string) => fingerprint(Buffer.from(key, 'base64'));
    const copy = await loadSite(join(dir, 'xizang.yml'), { env: {}, checkSecrets: false });
    const index = copy.ok ? copy.value.site.hosts.findIndex((h) => h.name === 'dns-1') : -1;
    const r = await check(dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout.split('\n')).toContain(
      `${at(['hosts', index])} hosts[${index}]: the site file says dns-1 (${labHost('dns-1').address}) answers with its pinned key ${fp(keyOf('redis-a'))}; the site has dns-1 presents ssh-ed25519 ${fp(keyOf('dns-1'))} (the SSH host key it presented, against known_hosts)`,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^sites check xizang: 1 difference\(s\), 0 unreadable; /);
  });

  it('names a ZooKeeper ensemble and a storage group the site does not have', async () => {
    const { dir, at } = await siteCopy((y) =>
      y
        .replace('        hosts: [kafka-1, kafka-2, kafka-3]\n', '        hosts: [kafka-1, kafka-2]\n')
        .replace('        group: group1\n', '        group: group9\n'),
    );
    const r = await check(dir);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const a = (h: string) => labHost(h).address;
    const lines = r.stdout.split('\n');
    for (const h of ['kafka-1', 'kafka-2'])
      expect(lines, r.stdout).toContain(
        `${at(['middleware', 'kafka', 0, 'zookeeper', 'hosts'])} middleware.kafka[0].zookeeper.hosts: the site file says the ensemble is ${a('kafka-1')}, ${a('kafka-2')}; the site has ${h}'s ensemble is ${a('kafka-1')}, ${a('kafka-2')}, ${a('kafka-3')} (server.N lines of /app/soft/apache-zookeeper-3.5.6-bin/conf/zoo.cfg)`,
      );
    expect(lines, r.stdout).toContain(
      `${at(['middleware', 'fastdfs', 0, 'storage', 'group'])} middleware.fastdfs[0].storage.group: the site file says the trackers know storage group group9; the site has group(s) group1 (fdfs_monitor /etc/fdfs/storage.conf on fdfs-1)`,
    );
  });

  it('exits 2 naming a host it cannot reach, and the cause', async () => {
    const { dir } = await siteCopy();
    await linkHost('dns-1', 'down');
    try {
      const r = await check(dir);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toMatch(
        new RegExp(`^cannot read host dns-1 \\(${labHost('dns-1').address.replaceAll('.', '\\.')}\\): .+`, 'm'),
      );
      expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^sites check xizang: \d+ difference\(s\), 1 unreadable; /);
    } finally {
      await linkHost('dns-1', 'up');
    }
  });

  it('exits 2 naming an unreachable jump host for every host behind it, and changes nothing', async () => {
    const net = getLab().net;
    const jump = `${net}.250`;
    const { dir, file } = await siteCopy((y) =>
      y.replace(
        /^ssh:\n/m,
        `ssh:\n  jump: { address: ${jump}, user: root, privateKey: { file: ../client/id_ed25519 } }\n`,
      ),
    );
    const before = readFileSync(file, 'utf8');
    const r = await check(dir);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const esc = (t: string) => t.replaceAll('.', '\\.');
    for (const host of ['redis-a', 'kafka-3', 'dns-1'])
      expect(r.stdout).toMatch(
        new RegExp(
          `^cannot read host ${host} \\(${esc(labHost(host).address)}\\): jump host jump ${esc(jump)} cannot be reached`,
          'm',
        ),
      );
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(
      /^sites check xizang: 0 difference\(s\), \d+ unreadable; 18 host\(s\)/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
