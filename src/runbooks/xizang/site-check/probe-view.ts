import type { DocPath } from '../../../core/sites/site-problem.ts';
import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteReading } from './read-site.ts';

/** One probe's `key=value` lines, looked up by key. */
export interface ProbeView {
  readonly host: string;
  /** The first value of `key`, trimmed; undefined when the probe printed none. */
  value(key: string): string | undefined;
  /** Every value of `key`, in order. */
  values(key: string): string[];
}

/**
 * The view of probe `id` on `host`, or the difference saying it could not be read (at `path`, about `what`). An
 * unreachable host gives neither: the caller reports it once, not per probe.
 */
export function probeOf(
  reading: SiteReading,
  host: string,
  id: string,
  at: { readonly path: DocPath; readonly what: string },
): ProbeView | SiteDifference | undefined {
  const h = reading.get(host);
  if (h === undefined || h.kind === 'unreachable') return undefined;
  const p = h.probes.get(id);
  if (p === undefined || p.kind === 'failed')
    return {
      path: at.path,
      says: `${at.what} on ${host}`,
      has: 'no answer to the read',
      evidence: p?.kind === 'failed' ? p.cause : 'not read',
    };
  const pairs = p.lines.flatMap((l) => {
    const m = /^([a-z_.]+)=(.*)$/.exec(l);
    return m === null ? [] : [[m[1] ?? '', (m[2] ?? '').trim()] as const];
  });
  return {
    host,
    value: (key) => pairs.find(([k]) => k === key)?.[1],
    values: (key) => pairs.filter(([k]) => k === key).map(([, v]) => v),
  };
}

/** True when `x` is a difference rather than a view. */
export function isDifference(x: ProbeView | SiteDifference): x is SiteDifference {
  return 'says' in x;
}

/**
 * The difference when nothing listens on `port` on the probe's host, or the pid of what does: every other reading
 * of the instance is about that process.
 */
export function listening(
  p: ProbeView,
  at: { readonly path: DocPath; readonly what: string; readonly port: number },
): SiteDifference | undefined {
  const pid = p.value('pid');
  if (pid !== undefined && pid !== 'none') return undefined;
  const error = p.value('ss_error');
  return {
    path: at.path,
    says: `${at.what} listens on port ${at.port} on ${p.host}`,
    has: error === undefined ? `nothing listening on port ${at.port} on ${p.host}` : 'no answer from ss',
    evidence: error ?? `ss -ltnp 'sport = :${at.port}'`,
  };
}

/** `pid N: ARGS` cut to a readable length, for evidence. */
export function processEvidence(p: ProbeView): string {
  const args = p.value('args') ?? '';
  return `pid ${p.value('pid') ?? '?'}: ${args.length > 160 ? `${args.slice(0, 157)}…` : args}`;
}

/** The difference when the command line of the process on the port does not name `text` (an install path, a config). */
export function argsName(
  p: ProbeView,
  text: string,
  at: { readonly path: DocPath; readonly says: string; readonly port: number },
): SiteDifference | undefined {
  const args = p.value('args') ?? '';
  if (args.includes(text)) return undefined;
  return {
    path: at.path,
    says: at.says,
    has: `the process on port ${at.port} on ${p.host} does not name ${text}`,
    evidence: `/proc/PID/cmdline, ${processEvidence(p)}`,
  };
}
