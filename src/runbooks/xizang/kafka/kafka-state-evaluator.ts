import { z } from 'zod';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { Evaluator } from '../../../core/ports/runbook.ts';
import { exitOf, readSections, valueOf, type Section } from '../shared/sections.ts';
import { lagFinding } from './consumer-lag.ts';
import { kafkaConfigFinding, zooKeeperConfigFinding } from './kafka-config-findings.ts';
import { propertyOf } from './java-properties.ts';
import { kafkaToolForm, knownKafkaVersions, type KafkaToolForm } from './kafka-version.ts';

const Place = z.object({ config: z.string(), port: z.number(), data: z.string() });

/** The arguments `kafkaStateCheck` gives the evaluator. */
export const KafkaStateArgs = z.object({
  name: z.string(),
  home: z.string(),
  /** The broker whose tools are run. */
  kafkaHost: z.string(),
  brokers: z.array(z.string()),
  zookeepers: z.array(z.string()),
  checkLag: z.boolean(),
  layout: z.object({ kafka: Place, zookeeper: Place.extend({ home: z.string() }) }),
});
export type KafkaStateArgs = z.infer<typeof KafkaStateArgs>;

const brief = (s: Section) => s.lines.join(' | ').slice(0, 300) || '(no output)';

/** The version finding, and the tools' form when one is known for the version found. */
function versionFinding(sections: readonly Section[], a: KafkaStateArgs): { finding: Finding; form?: KafkaToolForm } {
  const title = `Kafka ${a.name}: version read from the install (${a.home}/libs) has a known tool form`;
  const s = sections.find((x) => x.kind === 'kafka-version');
  const version = s === undefined ? undefined : propertyOf(s.lines, 'version') || undefined;
  const form = version === undefined ? undefined : kafkaToolForm(version);
  if (form !== undefined && version !== undefined)
    return {
      form,
      finding: { status: 'pass', title, host: a.kafkaHost, evidence: `Kafka ${version}: ${form.source}` },
    };
  const jars = (s?.lines ?? []).filter((l) => l.startsWith('jar=')).map((l) => l.slice(4));
  const found =
    s === undefined
      ? `the version was not read on ${a.kafkaHost} (no output)`
      : version === undefined
        ? `no single Kafka core jar in ${a.home}/libs on ${a.kafkaHost} (found: ${jars.join(', ') || 'none'})`
        : `Kafka ${version} at ${a.home} on ${a.kafkaHost} has no known command form`;
  return {
    finding: {
      status: 'fail',
      title,
      host: a.kafkaHost,
      evidence: `${found}; refused before anything is touched, no Kafka tool was run (known: ${knownKafkaVersions()})`,
    },
  };
}

/** The registered broker ids from the `brokers` section (zookeeper-shell.sh `ls /brokers/ids`). */
function brokersFinding(
  sections: readonly Section[],
  a: KafkaStateArgs,
  ids: readonly string[],
  asked: boolean,
): Finding {
  const title = `${a.brokers.length} brokers registered in ZooKeeper`;
  const s = sections.find((x) => x.kind === 'brokers');
  const fail = (evidence: string): Finding => ({ status: 'fail', title, evidence });
  if (!asked) return fail('not asked: the Kafka version has no known tool form');
  if (s === undefined || s.exitCode !== 0)
    return fail(`zookeeper-shell.sh ls /brokers/ids ended with ${s ? `${exitOf(s)}: ${brief(s)}` : 'no output'}`);
  const zc = valueOf(s.lines, 'zookeeper.connect') ?? '?';
  const list = s.lines.findLast((l) => /^\[.*\]$/.test(l));
  const none = s.lines.some((l) => /^Node does not exist: /.test(l));
  if (list === undefined && !none) return fail(`zookeeper-shell.sh answered in no known format (exit 0): ${brief(s)}`);
  const found = (list ?? '[]')
    .slice(1, -1)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const sameIds = ids.length !== a.brokers.length || [...found].sort().join() === [...ids].sort().join();
  return {
    status: found.length === a.brokers.length && sameIds ? 'pass' : 'fail',
    title,
    evidence: `/brokers/ids at ${zc} = [${found.join(', ')}]${none ? ' (no /brokers/ids: no broker ever registered there)' : ''}${sameIds || found.length === 0 ? '' : `; the brokers' server.properties say broker.id ${ids.join(', ')}`}`,
  };
}

/** Each node's `srvr` Mode: exactly one leader, every node serving (a lone node may be standalone). */
function ensembleFinding(sections: readonly Section[], hosts: readonly string[]): Finding {
  const modes = hosts.map((h) => {
    const s = sections.find((x) => x.kind === 'zk' && x.name === h);
    const mode = s === undefined ? undefined : valueOf(s.lines, 'Mode');
    return { h, mode, text: mode ?? (s === undefined ? 'no output' : `no answer (srvr ${exitOf(s)}: ${brief(s)})`) };
  });
  const leaders = modes.filter((m) => m.mode === 'leader').length;
  const serving = modes.filter(
    (m) => /^(leader|follower|observer)$/.test(m.mode ?? '') || (hosts.length === 1 && m.mode === 'standalone'),
  );
  return {
    status: serving.length === hosts.length && (leaders === 1 || hosts.length === 1) ? 'pass' : 'fail',
    title: `ZooKeeper ensemble of ${hosts.length} healthy with one leader`,
    evidence: modes.map((m) => `${m.h}: ${m.text}`).join(', '),
  };
}

/**
 * The Kafka phase's gate keeper (before, with the lag) and verification (after): the Kafka version has a known
 * tool form (else nothing else is asked), no consumer group has lag, server.properties and zoo.cfg say what the
 * site file says, every broker is registered in ZooKeeper, the ensemble serves with exactly one leader. Any `fail`
 * stops the run.
 */
export const kafkaStateEvaluator: Evaluator = (results, step) => {
  const a = KafkaStateArgs.parse(step.evaluatorArgs ?? {});
  const sections = results.flatMap((r) => readSections(r.stdout));
  const version = versionFinding(sections, a);
  const config = kafkaConfigFinding(sections, a.layout.kafka, a.brokers);
  const out: Finding[] = [version.finding];
  if (a.checkLag)
    out.push(
      version.form === undefined
        ? {
            status: 'fail',
            title: 'No consumer group has lag (no message left in Kafka)',
            evidence: 'not asked: the Kafka version has no known tool form',
            host: a.kafkaHost,
          }
        : lagFinding(sections, version.form, a.kafkaHost),
    );
  out.push(
    config.finding,
    zooKeeperConfigFinding(sections, a.layout.zookeeper, a.zookeepers),
    brokersFinding(sections, a, config.ids, version.form !== undefined),
    ensembleFinding(sections, a.zookeepers),
  );
  return out;
};
