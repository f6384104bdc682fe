import type { ActionStep, HostCommand, Probe, RollbackStep } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { bakOf, hostTargets } from './xizang-site.ts';

/** What one host moves aside: its paths, each to `<path>_bak`. */
export interface HostPaths {
  readonly host: string;
  readonly paths: readonly string[];
}

/**
 * Drops repeated paths and paths inside another path of the list (moving the parent already moves them), so
 * that every path is moved exactly once: the seed moved `/etc/init.d/redis` twice, and a second `mv` of a
 * path inside an already moved directory would fail half-way.
 */
export function movablePaths(paths: readonly string[]): string[] {
  const clean = [...new Set(paths.map((p) => p.replace(/\/+$/, '')))];
  return clean.filter((p) => !clean.some((q) => q !== p && p.startsWith(`${q}/`)));
}

/** `mv -T -- a a_bak && …`: `-T` never moves a directory into an existing `_bak` (the nesting slip). */
export function moveAllCommand(paths: readonly string[], direction: 'aside' | 'back'): string {
  const moves = paths.map((p) =>
    direction === 'aside' ? sh`mv -T -- ${p} ${bakOf(p)}` : sh`mv -T -- ${bakOf(p)} ${p}`,
  );
  return moves.join(' && ');
}

/**
 * A gated backup by `mv`, host by host, each path once, with its preconditions re-checked right before (source
 * exists, backup absent: an `mv` onto an existing `_bak` would nest the directory), a verification, and the
 * rollback that moves everything back (preconditions: backup exists, the original path is free again).
 */
export function moveAsideStep(opts: {
  readonly id: string;
  readonly title: string;
  readonly prompt: string;
  readonly hosts: readonly HostPaths[];
  /** Free space the redeploy will need (e.g. next to the moved home), checked on every host. */
  readonly free?: { readonly path: string; readonly minBytes: number };
  /** More preconditions re-checked right before (e.g. the services are stopped). */
  readonly alsoBefore?: readonly Probe[];
}): ActionStep {
  const byHost = opts.hosts.map((h) => ({ host: h.host, paths: movablePaths(h.paths) }));
  const targets = hostTargets(byHost.map((h) => h.host));
  const pre: Probe[] = [...(opts.alsoBefore ?? [])];
  const post: Probe[] = [];
  const rbPre: Probe[] = [];
  const rbPost: Probe[] = [];
  for (const { host, paths } of byHost) {
    const on = { hosts: [host] };
    for (const p of paths) {
      pre.push({ kind: 'path-exists', path: p, ...on }, { kind: 'path-absent', path: bakOf(p), ...on });
      post.push({ kind: 'path-absent', path: p, ...on }, { kind: 'path-exists', path: bakOf(p), ...on });
      rbPre.push({ kind: 'path-exists', path: bakOf(p), ...on }, { kind: 'path-absent', path: p, ...on });
      rbPost.push({ kind: 'path-exists', path: p, ...on }, { kind: 'path-absent', path: bakOf(p), ...on });
    }
    if (opts.free !== undefined)
      pre.push({ kind: 'free-disk', path: opts.free.path, minBytes: opts.free.minBytes, ...on });
  }
  const commands = (direction: 'aside' | 'back'): HostCommand[] =>
    byHost.map(({ host, paths }) => ({
      host,
      command: moveAllCommand(direction === 'aside' ? paths : [...paths].reverse(), direction),
    }));
  const restore: RollbackStep = {
    kind: 'action',
    id: `${opts.id}-restore`,
    title: `Move every backup of "${opts.title}" back`,
    targets,
    destructive: true,
    gate: { prompt: `Move the backups of ${opts.id} back to their original paths?` },
    preconditions: rbPre,
    commands: commands('back'),
    sql: [],
    verify: rbPost,
  };
  return {
    kind: 'action',
    id: opts.id,
    title: opts.title,
    targets,
    destructive: true,
    gate: { prompt: opts.prompt },
    preconditions: pre,
    commands: commands('aside'),
    sql: [],
    verify: post,
    rollback: { steps: [restore] },
  };
}
