import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { Fastdfs } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { askTracker } from '../fastdfs/fdfs-checks.ts';
import { fdfsLayout, type FdfsLayout } from '../fastdfs/fdfs-layout.ts';
import { redisCli } from '../redis/redis-cli.ts';
import { keepalivedService } from '../redis/redis-service.ts';
import { section, sections } from '../shared/sections.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import { ipv4Addresses, zkBrokerIds, zkFourLetter } from './precheck-commands.ts';
import { check, type CheckInput } from './precheck-steps.ts';
import { fromSiteService, readService, serviceArgs } from './service-reading.ts';

/** Precheck item 4: every count taken by talking to each instance, never from a config listing them. */

/** How long one tracker is asked for, at most (exit 124 when it has not answered by then). */
export const ASK_SECONDS = 25;

function add(map: Map<string, string[]>, host: string, part: string): void {
  map.set(host, [...(map.get(host) ?? []), part]);
}

/**
 * The trackers to ask: today's, the one the redeploy adds and the spares (the FastDFS phase's list). When the site
 * file's new tracker cannot be placed, today's and the spares, and why the new one is left out.
 */
function trackerLayout(spec: SiteFile, f: Fastdfs): { layout: FdfsLayout; note?: string } {
  try {
    return { layout: fdfsLayout(spec, f) };
  } catch (e) {
    if (!(e instanceof RunbookInvalidError)) throw e;
    const { newTracker: _left, ...rest } = f;
    return { layout: fdfsLayout(spec, rest), note: e.message };
  }
}

/**
 * 4. Node counts measured live: FastDFS trackers that answer for themselves (each asked with `fdfs_monitor -h` from
 * every storage host, see `askTracker`), Redis master and replicas from both sides with the VIP on the master and
 * keepalived's process on every node, cluster nodes, Kafka brokers registered in ZooKeeper and every ZooKeeper's
 * `srvr`.
 */
export function nodeCountsStep(spec: SiteFile): CheckInput {
  const parts = new Map<string, string[]>();
  const m = spec.middleware;
  const fastdfs = m.fastdfs.map((f) => {
    const { layout, note } = trackerLayout(spec, f);
    const asked = layout.trackers.map((t) => `${t.address}:${f.tracker.port}`);
    for (const host of f.storage.hosts)
      layout.trackers.forEach((t, i) =>
        // Its own bash: the ask ends with `exit`; bounded, as fdfs_monitor waits connect_timeout (30 s by default)
        // for a tracker host that does not answer at all.
        add(
          parts,
          host,
          section(
            'tracker',
            `${f.name} ${asked[i] ?? ''}`,
            sh`timeout ${ASK_SECONDS} bash -c ${askTracker(layout, t, [])}`,
          ),
        ),
      );
    return { name: f.name, trackers: 3, asked, from: f.storage.hosts, ...(note === undefined ? {} : { note }) };
  });
  const redis = [...m.redis, ...m.csbRedis].map((r) => {
    add(parts, r.master, section('replication', r.name, redisCli(r, ['INFO', 'replication'])));
    for (const h of r.replicas)
      add(parts, h, section('replica', `${r.name} ${h}`, redisCli(r, ['INFO', 'replication'])));
    if (r.vip !== undefined) add(parts, r.master, section('vip', r.name, ipv4Addresses()));
    const kl = r.keepalived === undefined ? undefined : fromSiteService(keepalivedService(r.keepalived));
    if (kl !== undefined)
      for (const h of [r.master, ...r.replicas])
        add(parts, h, section('keepalived', `${r.name} ${h}`, readService(kl)));
    return {
      name: r.name,
      master: r.master,
      replicas: r.replicas,
      vip: r.vip ?? null,
      keepalived: kl === undefined ? null : serviceArgs(kl),
    };
  });
  for (const c of m.redisClusters) {
    const n = c.nodes[0];
    if (n !== undefined)
      add(
        parts,
        n.host,
        section('cluster', c.name, redisCli({ home: c.home, config: c.config, port: n.port }, ['CLUSTER', 'NODES'])),
      );
  }
  for (const k of m.kafka) {
    for (const h of k.zookeeper.hosts)
      add(parts, h, section('zk', `${k.name} ${h}`, zkFourLetter(k.zookeeper.port, 'srvr')));
    const z = k.zookeeper.hosts[0];
    if (z !== undefined) add(parts, z, section('brokers', k.name, zkBrokerIds(k.zookeeper.home, k.zookeeper.port)));
  }
  const expected = {
    fastdfs,
    redis,
    clusters: m.redisClusters.map((c) => c.name),
    kafka: m.kafka.map((k) => ({ name: k.name, brokers: 3, zookeeper: 3, zkHosts: k.zookeeper.hosts })),
  };
  return check({
    id: 'p04-node-counts',
    title: '4. Node counts (live): trackers = 3, Redis 1+1 with keepalived and the VIP, Kafka 3 + ZooKeeper 3',
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p), timeoutMs: 120_000 })),
    evaluator: 'precheck.node-counts',
    evaluatorArgs: { expected },
  });
}
