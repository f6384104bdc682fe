import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdSource } from '../../core/ports/ids.ts';
import type { RemoteSession } from '../../core/ports/remote.ts';

/**
 * Opens a session whose spool files go to a directory of its own under `spoolRoot`, removed with everything
 * in it when the session is closed. A worker's session lives as long as one run (closed when the run
 * finishes, idles at a gate, or the worker stops) and each long output is stored in Redis before its step
 * ends, so by then no spool file is needed any more.
 */
export async function openWithOwnSpool<S extends RemoteSession>(
  spoolRoot: string,
  ids: IdSource,
  open: (spoolDir: string) => S | Promise<S>,
): Promise<S> {
  const dir = join(spoolRoot, ids.next('session-'));
  const session = await open(dir);
  return {
    ...session,
    close: async () => {
      try {
        await session.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What `sweepSpool` removed. */
export interface SpoolSweep {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Deletes every file under `spoolRoot` last modified more than `maxAgeMs` before `now` (left by a worker that
 * was killed before it could close its sessions), and the directories this leaves empty. A missing root is
 * nothing to sweep. Run at worker start.
 */
export async function sweepSpool(
  spoolRoot: string,
  opts: { readonly maxAgeMs: number; readonly now: number },
): Promise<SpoolSweep> {
  const cutoff = opts.now - opts.maxAgeMs;
  let files = 0;
  let bytes = 0;
  const visit = async (dir: string, isRoot: boolean): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await visit(path, false);
        continue;
      }
      if (!entry.isFile()) continue;
      const st = await stat(path).catch(() => undefined);
      if (st === undefined || st.mtimeMs >= cutoff) continue;
      await rm(path, { force: true });
      files += 1;
      bytes += st.size;
    }
    // Only an empty directory goes (rmdir refuses otherwise): one in use is recreated by its next spool file.
    if (!isRoot) await rmdir(dir).catch(() => undefined);
  };
  await visit(spoolRoot, true);
  return { files, bytes };
}
