/**
 * How long each statement of upgrade_checker.py may run, as the script lets it.
 *
 * Source: upgrade_checker.py of OceanBase 4.3.5.5 (tools/upgrade/upgrade_checker.py; read at
 * jmh000527/oceanbase@b8d8ce0fcf4265f53c97df933602e4f12dd3c55b, whose actions.py says 4.3.5.5). Three statements
 * carry their own `/*+ query_timeout(µs) *\/` hint, which OceanBase applies over the session's
 * `ob_query_timeout`: the zlib table scan of `check_table_compress_func` and the per-server
 * `__all_virtual_tablet_pointer_status` count of `get_tablet_cnt` (both 1000000000 µs = 1000 s), and the tablet
 * compaction scan of `check_cluster_status` (`-t` x 1e6, else 2000000000 µs = 2000 s). Every other statement runs
 * under the session's timeout: `-t` when given (`set_query_timeout`), else the connection's default.
 */

const HINT = /\/\*\+\s*query_timeout\(\s*(\d+)\s*\)\s*\*\//i;

/** The statement's own `query_timeout` hint in milliseconds, or undefined when it has none. */
export function hintedTimeoutMs(statement: string): number | undefined {
  const m = HINT.exec(statement);
  if (m === null) return undefined;
  const us = Number(m[1]);
  return Number.isSafeInteger(us) && us > 0 ? Math.ceil(us / 1000) : undefined;
}

/**
 * The timeout a statement gets: its hint, else `-t` (`timeoutSeconds` > 0), else undefined (the session's
 * default). `capMs`, when set, bounds the result (an operator who wants to give up sooner, or a fast test).
 */
export function statementTimeoutMs(
  statement: string,
  opts: { readonly timeoutSeconds: number; readonly capMs?: number | undefined },
): number | undefined {
  const own = hintedTimeoutMs(statement) ?? (opts.timeoutSeconds > 0 ? opts.timeoutSeconds * 1000 : undefined);
  if (opts.capMs === undefined) return own;
  return own === undefined ? opts.capMs : Math.min(own, opts.capMs);
}

/** A duration for people: `1000 s`, `1.5 s`, `250 ms`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
