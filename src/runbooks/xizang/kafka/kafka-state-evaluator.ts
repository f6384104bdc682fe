import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { allSections, argsOf } from '../precheck/precheck-evaluators.ts';
import { valueOf } from '../shared/sections.ts';

const Args = z.object({ brokers: z.number(), zookeepers: z.number(), checkLag: z.boolean() });

/**
 * The Kafka phase's gate keeper (before) and verification (after): no consumer group with lag (before only),
 * every broker registered in ZooKeeper, the ensemble serving with exactly one leader. Any `fail` stops the run.
 */
export const kafkaStateEvaluator: Evaluator = (results, step) => {
  const { brokers, zookeepers, checkLag } = argsOf(step, Args);
  const sections = allSections(results);
  const out: Finding[] = [];
  if (checkLag) {
    const lag = sections.find((s) => s.kind === 'lag');
    const rows = (lag?.lines ?? [])
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c.length >= 6 && c[0] !== 'GROUP' && /^\d+$/.test(c[2] ?? ''));
    const lagging = rows.filter((c) => /^\d+$/.test(c[5] ?? '') && Number(c[5]) > 0);
    const answered = lag !== undefined && !lag.lines.some((l) => /Error|Exception/.test(l));
    out.push({
      status: answered && lagging.length === 0 ? 'pass' : 'fail',
      title: 'No consumer group has lag (no message left in Kafka)',
      evidence: !answered
        ? `kafka-consumer-groups did not answer: ${(lag?.lines ?? []).join(' | ').slice(0, 200) || 'no output'}`
        : lagging.length === 0
          ? `${rows.length} partition(s) of consumer groups, all with lag 0`
          : `lag left: ${lagging.map((c) => `${c[0] ?? ''} ${c[1] ?? ''}/${c[2] ?? ''} lag ${c[5] ?? ''}`).join(', ')}; wait until consumers catch up`,
      ...(lag ? { host: lag.host } : {}),
    });
  }
  const ids = sections.find((s) => s.kind === 'brokers');
  const list =
    /^\[(.*)\]$/
      .exec(ids?.lines.at(-1) ?? '')?.[1]
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean) ?? [];
  out.push({
    status: list.length === brokers ? 'pass' : 'fail',
    title: `${brokers} brokers registered in ZooKeeper`,
    evidence: `/brokers/ids = [${list.join(', ')}]`,
  });
  const modes = sections
    .filter((s) => s.kind === 'zk')
    .map((s) => `${s.host}: ${valueOf(s.lines, 'Mode') ?? 'no answer'}`);
  const serving = modes.filter((m) => / (leader|follower)$/.test(m)).length;
  const leaders = modes.filter((m) => m.endsWith(' leader')).length;
  out.push({
    status: serving === zookeepers && leaders === 1 ? 'pass' : 'fail',
    title: `ZooKeeper ensemble of ${zookeepers} healthy with one leader`,
    evidence: modes.join(', ') || 'no answer',
  });
  return out;
};
