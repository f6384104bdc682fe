import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from './precheck-evaluators.ts';
import { ASK_SECONDS } from './node-counts-step.ts';
import { ServiceCheckArgs, judgeService } from './service-verdict.ts';
import { exitOf, valueOf, type Section } from '../shared/sections.ts';

const Args = z.object({
  expected: z.object({
    fastdfs: z.array(
      z.object({
        name: z.string(),
        trackers: z.number(),
        asked: z.array(z.string()),
        from: z.array(z.string()),
        note: z.string().optional(),
      }),
    ),
    redis: z.array(
      z.object({
        name: z.string(),
        master: z.string(),
        replicas: z.array(z.string()),
        vip: z.string().nullable(),
        keepalived: ServiceCheckArgs.nullable(),
      }),
    ),
    clusters: z.array(z.string()),
    kafka: z.array(
      z.object({ name: z.string(), brokers: z.number(), zookeeper: z.number(), zkHosts: z.array(z.string()) }),
    ),
  }),
});

const one = (lines: readonly string[]) => lines.join(' | ').slice(0, 300) || '(no output)';

/** `TOOL (exit N): OUTPUT` for a section whose tool did not answer as expected. */
const toolSaid = (tool: string, s: Section | undefined) =>
  s === undefined ? `${tool}: not asked (no output from the host)` : `${tool} (${exitOf(s)}): ${one(s.lines)}`;

type Push = (ok: boolean, title: string, evidence: string, host?: string) => void;
type Find = (kind: string, name: string) => (Section & { host: string })[];

/** fdfs_monitor's log lines (`[DATE TIME] DEBUG - …`): noise next to its answer. */
const LOG_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] (DEBUG|INFO) - /;

/**
 * What the asks of one tracker printed, hosts with the same answer together: `askTracker` names fdfs_monitor, its
 * exit code and its output (a section cut short says so).
 */
function askErrors(asks: readonly (Section & { host: string })[]): string {
  const byText = new Map<string, string[]>();
  for (const s of asks) {
    const said = one(s.lines.filter((l) => !LOG_LINE.test(l)));
    const key =
      s.exitCode === 124
        ? `fdfs_monitor did not answer in ${ASK_SECONDS} s (timeout, exit 124): ${said}`
        : s.exitCode === undefined
          ? `${said} (${exitOf(s)})`
          : said;
    byText.set(key, [...(byText.get(key) ?? []), s.host]);
  }
  return [...byText].map(([said, hosts]) => `from ${hosts.join(', ')}: ${said}`).join('; ');
}

/** Trackers alive: each one asked for itself; it counts when it answered a storage host with its group. */
function trackers(f: z.infer<typeof Args>['expected']['fastdfs'][number], find: Find, push: Push): void {
  const alive: string[] = [];
  const silent: string[] = [];
  for (const t of f.asked) {
    const asks = find('tracker', `${f.name} ${t}`).filter((s) => s.name === `${f.name} ${t}`);
    const answered = asks.find((s) => s.exitCode === 0 && s.lines.some((l) => l.startsWith(`tracker ${t} answers`)));
    if (answered !== undefined) alive.push(`${t} (asked from ${answered.host})`);
    else silent.push(`${t}: ${asks.length === 0 ? 'not asked (no storage host answered)' : askErrors(asks)}`);
  }
  const n = alive.length;
  push(
    n === f.trackers,
    `FastDFS ${f.name}: ${f.trackers} trackers`,
    [
      `${n} of ${f.asked.length} tracker(s) answer for themselves${n > 0 ? `: ${alive.join(', ')}` : ''}`,
      ...(silent.length > 0 ? [`not answering: ${silent.join(' || ')}`] : []),
      ...(n < f.trackers ? [`${f.trackers - n} tracker(s) to add`] : []),
      ...(f.note === undefined ? [] : [`not asked: the new tracker (${f.note})`]),
    ].join('; '),
  );
}

/** Redis master and replicas from both sides, the VIP on the master, keepalived's process on every node. */
function redis(r: z.infer<typeof Args>['expected']['redis'][number], find: Find, push: Push): void {
  const s = find('replication', r.name)[0];
  const lines = s?.lines ?? [];
  const role = valueOf(lines, 'role');
  const slaves = Number(valueOf(lines, 'connected_slaves') ?? 'NaN');
  const online = lines.filter((l) => /^slave\d+:.*state=online/.test(l)).length;
  const sides = r.replicas.map((h) => {
    const x = find('replica', `${r.name} ${h}`)[0];
    const link = valueOf(x?.lines ?? [], 'master_link_status');
    const ok = valueOf(x?.lines ?? [], 'role') === 'slave' && link === 'up';
    return { ok, text: ok ? `${h}: replica, link up` : `${h}: ${toolSaid('redis-cli INFO replication', x)}` };
  });
  const masterOk = role === 'master' && slaves === r.replicas.length && online === r.replicas.length;
  push(
    masterOk && sides.every((x) => x.ok),
    `Redis ${r.name}: 1 master + ${r.replicas.length} replica(s)`,
    [
      role === undefined
        ? `${r.master}: ${toolSaid('redis-cli INFO replication', s)}`
        : `${r.master}: role=${role}, connected_slaves=${Number.isNaN(slaves) ? '?' : slaves}, online=${online}`,
      ...sides.map((x) => x.text),
    ].join('; '),
    s?.host,
  );
  if (r.vip !== null) {
    const v = find('vip', r.name)[0];
    const addresses = (v?.lines ?? []).flatMap((l) => (l.startsWith('inet ') ? [l.slice(5).trim()] : []));
    const ipOk = v?.exitCode === 0 && addresses.length > 0;
    push(
      ipOk && addresses.includes(r.vip),
      `Redis ${r.name}: the master holds the VIP ${r.vip}`,
      ipOk
        ? `${r.master} has ${addresses.join(', ')}${addresses.includes(r.vip) ? '' : ` (not ${r.vip})`}`
        : `${r.master}: ${toolSaid('ip -o -4 addr show', v)}`,
      v?.host ?? r.master,
    );
  }
  if (r.keepalived !== null) {
    const kl = r.keepalived;
    const verdicts = [r.master, ...r.replicas].map((h) => ({
      h,
      v: judgeService(kl, find('keepalived', `${r.name} ${h}`)[0]),
    }));
    push(
      verdicts.every((x) => x.v.state === 'running'),
      `Redis ${r.name}: keepalived runs on every node`,
      verdicts.map((x) => `${x.h}: ${x.v.state}: ${x.v.evidence}`).join(' || '),
    );
  }
}

/** Item 4: the node counts as measured on the hosts (never read from the site file or a config listing them). */
export const nodeCountsEvaluator: Evaluator = (results, step) => {
  const { expected } = argsOf(step, Args);
  const sections = allSections(results);
  const find: Find = (kind, name) =>
    sections.filter((s) => s.kind === kind && (s.name === name || s.name.startsWith(`${name} `)));
  const out: Finding[] = [];
  const push: Push = (ok, title, evidence, host) =>
    out.push({ status: ok ? 'pass' : 'fail', title, evidence, ...(host !== undefined ? { host } : {}) });

  for (const f of expected.fastdfs) trackers(f, find, push);
  for (const r of expected.redis) redis(r, find, push);
  for (const c of expected.clusters) {
    const s = find('cluster', c)[0];
    // CLUSTER NODES: `ID ADDRESS FLAGS MASTER PING PONG EPOCH STATE [SLOTS…]` per node.
    const nodes = (s?.lines ?? []).map((l) => l.trim().split(/\s+/)).filter((w) => w.length >= 8);
    const masters = nodes.filter((w) => (w[2] ?? '').split(',').includes('master')).length;
    const replicas = nodes.filter((w) => (w[2] ?? '').split(',').includes('slave')).length;
    push(
      masters === 3 && (replicas === 3 || replicas === 0),
      `Redis cluster ${c}: 3 masters + 3 replicas, or 3 masters`,
      nodes.length === 0
        ? toolSaid('redis-cli CLUSTER NODES', s)
        : `CLUSTER NODES: ${masters} master(s), ${replicas} replica(s)`,
      s?.host,
    );
  }
  for (const k of expected.kafka) {
    const b = find('brokers', k.name)[0];
    const list = /^\[(.*)\]$/.exec(b?.exitCode === 0 ? (b.lines.at(-1) ?? '') : '');
    const ids =
      list?.[1]
        ?.split(',')
        .map((x) => x.trim())
        .filter(Boolean) ?? [];
    push(
      ids.length === k.brokers,
      `Kafka ${k.name}: ${k.brokers} brokers registered in ZooKeeper`,
      list === null ? toolSaid('zkCli.sh ls /brokers/ids', b) : `/brokers/ids = [${ids.join(', ')}]`,
      b?.host,
    );
    const modes = k.zkHosts.map((h) => {
      const x = find('zk', `${k.name} ${h}`)[0];
      const mode = valueOf(x?.lines ?? [], 'Mode');
      return { mode, text: mode === undefined ? `${h}: ${toolSaid('srvr', x)}` : `${h}: ${mode}` };
    });
    const serving = modes.filter((m) => m.mode === 'leader' || m.mode === 'follower');
    const leaders = modes.filter((m) => m.mode === 'leader').length;
    push(
      serving.length === k.zookeeper && leaders === 1,
      `ZooKeeper of ${k.name}: ${k.zookeeper} nodes with one leader`,
      modes.map((m) => m.text).join(', ') || 'not checked',
    );
  }
  return out;
};
