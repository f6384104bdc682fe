import type { HostCommand } from '../../../core/plan/step-schema.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import type { Evaluator, StepProgram } from '../../../core/ports/runbook.ts';
import { clusterHosts } from '../shared/cluster-of.ts';
import { previousEvidence, previousFromEvidence, previousRecordedBy } from './offline-time-steps.ts';
import { requireSql } from '../shared/require-sql.ts';

export const RECORD_PRECHECK_PROGRAM = 'ob-precheck.record-pass';
export const PRECHECK_FRESH_EVALUATOR = 'ob-upgrade.precheck-fresh';

/**
 * Where a passed precheck is recorded: a small JSON file on every host of the cluster. Its modification time
 * is when the precheck passed (the host's clock, read again by the freshness check on the same host).
 */
export function precheckRecordPath(ob: Oceanbase): string {
  return `${ob.home}/.opsgate/precheck-${ob.name}.json`;
}

/** What the record holds. */
export interface PrecheckRecord {
  readonly cluster: string;
  readonly version: string;
  readonly runId: string;
  /** The evidence text with the values of `server_permanent_offline_time` before the precheck raised it. */
  readonly previous: string;
}

/**
 * Writes the record on every host of the cluster, after every check passed and the 72h change took hold. The
 * previous values come from this run's record step; when they are already 72h (a second precheck), the values
 * of the earlier record are kept, so the upgrade restores what the cluster had before any precheck.
 */
export const recordPrecheckProgram: StepProgram = async (ctx, args) => {
  const cluster = String(args['cluster']);
  const path = String(args['path']);
  const hosts = (args['hosts'] as string[] | undefined) ?? [];
  const rows = (
    await requireSql(ctx).query(
      "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'min_observer_version'",
      { label: ctx.step.id },
    )
  ).rows;
  const version = rows.length === 1 ? String(Object.values(rows[0] ?? {})[0]) : 'unknown';
  let previous = previousRecordedBy(ctx.run, 'record-offline-time') ?? [];
  if (previous.length > 0 && previous.every((p) => p.value === '72h') && hosts[0] !== undefined) {
    const old = await ctx.remote.exec(hosts[0], { command: `cat -- ${shellQuote(path)} 2>/dev/null || true` });
    const earlier = parseRecord(old.stdout.head + old.stdout.tail);
    const kept = earlier === undefined ? undefined : previousFromEvidence(earlier.previous);
    if (kept !== undefined && kept.some((p) => p.value !== '72h')) previous = kept;
  }
  const record: PrecheckRecord = { cluster, version, runId: ctx.run.id, previous: previousEvidence(previous) };
  const json = JSON.stringify(record);
  const dir = path.slice(0, path.lastIndexOf('/'));
  const command = `mkdir -p ${shellQuote(dir)} && printf '%s\\n' ${shellQuote(json)} > ${shellQuote(`${path}.tmp`)} && mv -f ${shellQuote(`${path}.tmp`)} ${shellQuote(path)}`;
  const out = await ctx.remote.fanOut(hosts, () => ({ command }));
  const bad = out.filter((o) => o.status !== 'done' || o.result.exitCode !== 0).map((o) => o.host);
  if (bad.length > 0)
    return [
      { status: 'fail', title: 'record the passed precheck', evidence: `could not write ${path} on ${bad.join(', ')}` },
    ];
  return [
    {
      status: 'pass',
      title: `recorded: precheck of ${cluster} passed at version ${version}`,
      evidence: `${path} on ${hosts.join(', ')}`,
    },
  ];
};

/** The freshness check's command per host: the host's time, the record's time (or `missing`), the record. */
export function precheckFreshCommands(ob: Oceanbase): HostCommand[] {
  const f = shellQuote(precheckRecordPath(ob));
  return clusterHosts(ob).map((host) => ({
    host,
    command: `date +%s; stat -c %Y -- ${f} 2>/dev/null || echo missing; cat -- ${f} 2>/dev/null || true`,
  }));
}

function parseRecord(text: string): PrecheckRecord | undefined {
  try {
    const r = JSON.parse(text.trim()) as Partial<PrecheckRecord>;
    return typeof r.cluster === 'string' &&
      typeof r.version === 'string' &&
      typeof r.previous === 'string' &&
      typeof r.runId === 'string'
      ? (r as PrecheckRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

function age(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

/**
 * Passes when every host holds a record of this cluster younger than `maxAgeSec`; otherwise says what is missing
 * and what to do. The pass carries the recorded `server_permanent_offline_time` values for the restore at the end.
 */
export const precheckFreshEvaluator: Evaluator = (results, step) => {
  const cluster = String(step.evaluatorArgs?.['cluster']);
  const maxAgeSec = Number(step.evaluatorArgs?.['maxAgeSec']);
  const validFor = String(step.evaluatorArgs?.['validFor']);
  const todo = `run /precheck <site> ob ${cluster} first (a passed precheck counts for ${validFor})`;
  const problems: string[] = [];
  let found: PrecheckRecord | undefined;
  for (const r of results) {
    const [now, mtime, ...rest] = r.stdout.split('\n');
    const rec = parseRecord(rest.join('\n'));
    if (
      r.exitCode !== 0 ||
      mtime === undefined ||
      mtime.trim() === 'missing' ||
      rec === undefined ||
      rec.cluster !== cluster
    ) {
      problems.push(`no passed precheck of ${cluster} is recorded on ${r.target}`);
      continue;
    }
    const seconds = Number(now) - Number(mtime);
    if (!Number.isFinite(seconds) || seconds > maxAgeSec)
      problems.push(`the precheck recorded on ${r.target} passed ${age(Math.max(0, seconds))} ago`);
    else found ??= rec;
  }
  if (problems.length > 0 || found === undefined) {
    return [
      {
        status: 'fail',
        title: `a precheck of ${cluster} passed within ${validFor}`,
        evidence: `refused: ${problems.join('; ') || 'no host answered'}; ${todo}`,
      },
    ];
  }
  return [
    {
      status: 'pass',
      title: `precheck of ${cluster} passed within ${validFor} (run ${found.runId}, version ${found.version})`,
      evidence: found.previous,
    },
  ];
};
