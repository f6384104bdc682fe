/**
 * The business probe's log as the business saw it: per phase of a zone, requests, errors and latency; and the
 * interruptions, each a run of consecutive failed requests with when it began, how long it lasted and the errors
 * the client got.
 */

/** One request of the probe's log. */
export interface Sample {
  /** When the request started, epoch ms. */
  readonly at: number;
  readonly ms: number;
  readonly ok: boolean;
  /** The client's error, for a failed request (the previous failure's when the line carries none). */
  readonly error?: string;
}

/**
 * Reads the lines the report's `awk` sends: `<epoch ms> <latency ms> <0|1> [error]`, an error only where it
 * differs from the previous failure's (lines of any other shape are skipped).
 */
export function parseProbeLog(text: string): Sample[] {
  const samples: Sample[] = [];
  let last: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) ([01])(?: (.*))?$/.exec(line.trim());
    if (m === null) continue;
    const ok = m[3] === '0';
    if (!ok && m[4] !== undefined && m[4] !== '') last = m[4];
    samples.push({ at: Number(m[1]), ms: Number(m[2]), ok, ...(!ok && last !== undefined ? { error: last } : {}) });
  }
  return samples.sort((a, b) => a.at - b.at);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

/** The figures of one phase, as a line for the thread. */
export function phaseLine(name: string, samples: readonly Sample[]): string {
  if (samples.length === 0) return `${name}: no requests`;
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok).length;
  return `${name}: ${samples.length} requests, ${errors} errors, latency p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms, max ${ms.at(-1) ?? 0} ms`;
}

/** A run of consecutive failed requests: what the business could not do, from when, for how long. */
export interface Interruption {
  readonly from: number;
  /** The start of the next request that succeeded, else the end of the last failed one. */
  readonly to: number;
  readonly failed: number;
  /** Each distinct error the client got, with how many requests got it, most frequent first. */
  readonly errors: readonly { readonly error: string; readonly count: number }[];
}

/** The interruptions of `samples` (in time order), in time order. */
export function interruptions(samples: readonly Sample[]): Interruption[] {
  const out: Interruption[] = [];
  let run: Sample[] = [];
  const close = (next: Sample | undefined) => {
    const first = run[0];
    const lastFailed = run.at(-1);
    if (first === undefined || lastFailed === undefined) return;
    const counts = new Map<string, number>();
    for (const s of run) counts.set(s.error ?? 'no error text', (counts.get(s.error ?? 'no error text') ?? 0) + 1);
    out.push({
      from: first.at,
      to: next?.at ?? lastFailed.at + lastFailed.ms,
      failed: run.length,
      errors: [...counts].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count),
    });
    run = [];
  };
  for (const s of samples) {
    if (s.ok) close(s);
    else run.push(s);
  }
  close(undefined);
  return out;
}

/** `12.3 s`, `850 ms`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** An interruption as a line: when (UTC), how long, how many requests, which errors. */
export function interruptionLine(i: Interruption, phase: string): string {
  const errors = i.errors.map((e) => `${e.count} × ${e.error}`).join(' | ');
  return `${new Date(i.from).toISOString()} (${phase}) for ${duration(i.to - i.from)}, ${i.failed} failed request(s): ${errors}`;
}

/** The longest of `list`, the earliest among equals. */
export function longest(list: readonly Interruption[]): Interruption | undefined {
  return list.reduce<Interruption | undefined>(
    (a, b) => (a === undefined || b.to - b.from > a.to - a.from ? b : a),
    undefined,
  );
}
