import type { RemoteSession } from '../../../core/ports/remote.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { siteCheckProbes } from './site-check-probes.ts';

/** What one probe printed (its `key=value` lines), or why it printed nothing. */
export type ProbeReading =
  | { readonly kind: 'read'; readonly exitCode: number | null; readonly lines: readonly string[] }
  | { readonly kind: 'failed'; readonly cause: string };

/** What one host answered: its probes by id, or the reason it could not be read at all. */
export type HostReading =
  | { readonly kind: 'read'; readonly probes: ReadonlyMap<string, ProbeReading> }
  | { readonly kind: 'unreachable'; readonly cause: string };

/** The live site as `compareSite` judges it: each host's reading, by site-file name. */
export type SiteReading = ReadonlyMap<string, HostReading>;

/** A probe may take this long (zkCli starts a JVM; fdfs_monitor waits for its trackers). */
const PROBE_TIMEOUT_MS = 90_000;

/**
 * Reads the live site: every probe of `siteCheckProbes`, each host's list over ONE channel (the session's batch
 * mode when it has one, else one command after the other). Read-only: the probes only ask. Never throws for a
 * host: one that cannot be reached is `unreachable`, naming the cause.
 */
export async function readSite(
  spec: SiteFile,
  session: RemoteSession,
  hosts: readonly string[] = spec.hosts.map((h) => h.name),
): Promise<SiteReading> {
  const probes = siteCheckProbes(spec);
  const targets = hosts.filter((h) => probes.has(h));
  const listOf = (h: string) =>
    (probes.get(h) ?? []).map((p) => ({ command: p.command, timeoutMs: PROBE_TIMEOUT_MS }) as const);
  const out = new Map<string, HostReading>();
  const outcomes =
    session.fanOutBatch !== undefined
      ? await session.fanOutBatch(targets, listOf)
      : await Promise.all(
          targets.map(async (host) => ({
            host,
            outcomes: await Promise.all(
              listOf(host).map(async (req) => {
                try {
                  return { command: req.command, status: 'done' as const, result: await session.exec(host, req) };
                } catch (e) {
                  return { command: req.command, status: 'error' as const, error: e as Error };
                }
              }),
            ),
          })),
        );
  for (const { host, outcomes: list } of outcomes) {
    const ids = probes.get(host) ?? [];
    const first = list[0];
    if (first?.status === 'error' && list.slice(1).every((o) => o.status !== 'done')) {
      out.set(host, { kind: 'unreachable', cause: first.error.message });
      continue;
    }
    const read = new Map<string, ProbeReading>();
    list.forEach((o, i) => {
      const id = ids[i]?.id ?? `#${i}`;
      if (o.status === 'done') {
        const text = o.result.stdout.head + o.result.stdout.tail;
        read.set(id, { kind: 'read', exitCode: o.result.exitCode, lines: text.split('\n').filter((l) => l !== '') });
      } else read.set(id, { kind: 'failed', cause: o.status === 'error' ? o.error.message : 'not run' });
    });
    out.set(host, { kind: 'read', probes: read });
  }
  return out;
}
