import type { ActionStep, HostCommand, Probe, RollbackStep } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
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

/**
 * `/etc/init.d/NAME` stands for the service's definition, whichever form the host has: that script, or the unit
 * `/etc/systemd/system/NAME.service` of a host where systemd runs the service. The unit's backup
 * (`NAME.service_bak`) is no unit name, so systemd ignores it once reloaded.
 */
function serviceDefinition(p: string): { script: string; unit: string } | undefined {
  const m = /^\/etc\/init\.d\/([A-Za-z0-9_.@-]+)$/.exec(p);
  return m === null ? undefined : { script: p, unit: `/etc/systemd/system/${m[1] ?? ''}.service` };
}

const RELOAD = '{ [ ! -d /run/systemd/system ] || systemctl daemon-reload; }';

/** Moves one path aside or back: a service definition in whichever form exists, anything else with `mv -T`. */
function moveOne(p: string, direction: 'aside' | 'back'): string {
  const def = serviceDefinition(p);
  const mv = (a: string) => (direction === 'aside' ? sh`mv -T -- ${a} ${bakOf(a)}` : sh`mv -T -- ${bakOf(a)} ${a}`);
  if (def === undefined) return mv(p);
  const from = (f: string) => (direction === 'aside' ? f : bakOf(f));
  return sh`{ if [ -e ${from(def.script)} ]; then ${raw(mv(def.script))}; fi && if [ -e ${from(def.unit)} ]; then ${raw(mv(def.unit))} && ${raw(RELOAD)}; fi; }`;
}

/**
 * Whether a probe of a move-aside step is about where its paths are (read-only, so a phase can check them all
 * before it touches anything), as opposed to services or free space.
 */
export function isPlaceProbe(p: Probe): boolean {
  return (
    p.kind === 'path-absent' ||
    p.kind === 'path-exists' ||
    (p.kind === 'output-matches' && p.pattern.startsWith('^service definition '))
  );
}

/** `mv -T -- a a_bak && …`: `-T` never moves a directory into an existing `_bak` (the nesting slip). */
export function moveAllCommand(paths: readonly string[], direction: 'aside' | 'back'): string {
  return paths.map((p) => moveOne(p, direction)).join(' && ');
}

/**
 * The probe that `p` is in place (`at: 'original'`: the path exists and its backup does not) or moved
 * (`at: 'backup'`); a service definition in either form, reported by what exists.
 */
function placeProbes(p: string, at: 'original' | 'backup', hosts: readonly string[]): Probe[] {
  const on = { hosts: [...hosts] };
  const def = serviceDefinition(p);
  if (def === undefined) {
    const [here, gone] = at === 'original' ? [p, bakOf(p)] : [bakOf(p), p];
    return [
      { kind: 'path-exists', path: here, ...on },
      { kind: 'path-absent', path: gone, ...on },
    ];
  }
  const files = [def.script, def.unit, bakOf(def.script), bakOf(def.unit)];
  const [a, b, c, d] =
    at === 'original'
      ? [def.script, def.unit, bakOf(def.script), bakOf(def.unit)]
      : [bakOf(def.script), bakOf(def.unit), def.script, def.unit];
  const where = at === 'original' ? 'in place' : 'moved aside';
  return [
    {
      kind: 'output-matches',
      command: sh`for f in ${files}; do [ -e "$f" ] && echo "exists: $f"; done; { [ -e ${a} ] || [ -e ${b} ]; } && [ ! -e ${c} ] && [ ! -e ${d} ] && echo ${`service definition ${where}`}`,
      pattern: `^service definition ${where}$`,
      ...on,
    },
  ];
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
    for (const p of paths) {
      pre.push(...placeProbes(p, 'original', [host]));
      post.push(...placeProbes(p, 'backup', [host]));
      rbPre.push(...placeProbes(p, 'backup', [host]));
      rbPost.push(...placeProbes(p, 'original', [host]));
    }
    if (opts.free !== undefined)
      pre.push({ kind: 'free-disk', path: opts.free.path, minBytes: opts.free.minBytes, hosts: [host] });
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
