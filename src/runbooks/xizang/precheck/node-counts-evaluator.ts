import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';
import { valueOf, type Section } from '../shared/sections.ts';

const Args = z.object({
  expected: z.object({
    fastdfs: z.array(z.object({ name: z.string(), trackers: z.number() })),
    redis: z.array(
      z.object({
        name: z.string(),
        replicas: z.number(),
        vip: z.string().nullable(),
        keepalived: z.boolean(),
        hosts: z.array(z.string()),
      }),
    ),
    clusters: z.array(z.string()),
    kafka: z.array(
      z.object({ name: z.string(), brokers: z.number(), zookeeper: z.number(), zkHosts: z.array(z.string()) }),
    ),
  }),
});

const one = (lines: readonly string[]) => lines.join(' | ').slice(0, 300) || '(no output)';

/** Item 4: the node counts as measured on the hosts (never read from the site file). */
export const nodeCountsEvaluator: Evaluator = (results, step) => {
  const { expected } = argsOf(step, Args);
  const sections = allSections(results);
  const find = (kind: string, name: string) =>
    sections.filter((s) => s.kind === kind && (s.name === name || s.name.startsWith(`${name} `)));
  const out: Finding[] = [];
  const push = (ok: boolean, title: string, evidence: string, host?: string, status: Finding['status'] = 'fail') =>
    out.push({ status: ok ? 'pass' : status, title, evidence, ...(host !== undefined ? { host } : {}) });

  for (const f of expected.fastdfs) {
    const s = find('trackers', f.name)[0];
    const count = Number(/server_count=(\d+)/.exec(s?.lines.join('\n') ?? '')?.[1] ?? 'NaN');
    const evidence =
      s === undefined
        ? 'no answer from fdfs_monitor'
        : `fdfs_monitor: server_count=${Number.isNaN(count) ? '?' : count} (${one(s.lines)})`;
    push(
      count === f.trackers,
      `FastDFS ${f.name}: ${f.trackers} trackers`,
      Number.isNaN(count)
        ? evidence
        : `${evidence}${count < f.trackers ? `; ${f.trackers - count} tracker(s) to add` : ''}`,
      s?.host,
    );
  }
  for (const r of expected.redis) {
    const s = find('replication', r.name)[0];
    const lines = s?.lines ?? [];
    const role = valueOf(lines, 'role');
    const slaves = Number(valueOf(lines, 'connected_slaves') ?? 'NaN');
    const online = lines.filter((l) => /^slave\d+:.*state=online/.test(l)).length;
    push(
      role === 'master' && slaves === r.replicas && online === r.replicas,
      `Redis ${r.name}: 1 master + ${r.replicas} replica(s)`,
      `INFO replication: role=${role ?? '?'}, connected_slaves=${Number.isNaN(slaves) ? '?' : slaves}, online=${online}`,
      s?.host,
    );
    if (r.vip !== null) {
      const v = find('vip', r.name)[0];
      push(
        v?.lines.includes('held') === true,
        `Redis ${r.name}: the master holds the VIP ${r.vip}`,
        `VIP ${v?.lines.join(' ') ?? 'not checked'} on the master`,
        v?.host,
      );
    }
    if (r.keepalived) {
      const k = find('keepalived', r.name);
      const states = k.map((x: Section & { host: string }) => `${x.host}: ${x.lines.join(' ')}`);
      push(
        k.length === r.hosts.length && k.every((x) => x.lines.includes('running')),
        `Redis ${r.name}: keepalived runs on every node`,
        states.join(', ') || 'not checked',
      );
    }
  }
  for (const c of expected.clusters) {
    const s = find('cluster', c)[0];
    const lines = s?.lines ?? [];
    const masters = lines.filter((l) => /\bmaster\b/.test(l.split(' ')[2] ?? '')).length;
    const replicas = lines.filter((l) => /\bslave\b/.test(l.split(' ')[2] ?? '')).length;
    push(
      masters === 3 && (replicas === 3 || replicas === 0),
      `Redis cluster ${c}: 3 masters + 3 replicas, or 3 masters`,
      `CLUSTER NODES: ${masters} master(s), ${replicas} replica(s)`,
      s?.host,
    );
  }
  for (const k of expected.kafka) {
    const b = find('brokers', k.name)[0];
    const ids =
      /^\[(.*)\]$/
        .exec(b?.lines.at(-1) ?? '')?.[1]
        ?.split(',')
        .map((x) => x.trim())
        .filter(Boolean) ?? [];
    push(
      ids.length === k.brokers,
      `Kafka ${k.name}: ${k.brokers} brokers registered in ZooKeeper`,
      b === undefined
        ? 'not checked'
        : `/brokers/ids = [${ids.join(', ')}]${ids.length === 0 ? ` (${one(b.lines)})` : ''}`,
      b?.host,
    );
    const zk = find('zk', k.name);
    const modes = zk.map((x) => ({ host: x.host, mode: valueOf(x.lines, 'Mode') ?? 'no answer' }));
    const serving = modes.filter((m) => m.mode === 'leader' || m.mode === 'follower');
    const leaders = modes.filter((m) => m.mode === 'leader').length;
    push(
      serving.length === k.zookeeper && leaders === 1,
      `ZooKeeper of ${k.name}: ${k.zookeeper} nodes with one leader`,
      modes.map((m) => `${m.host}: ${m.mode}`).join(', ') || 'not checked',
    );
  }
  return out;
};
