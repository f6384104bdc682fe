import { ADM_GUARD, type Evidence } from './component-evidence.ts';

/** Evidence in words, for a person reading a manual finding. */

/** What a component's evidence needs besides itself. */
interface Described {
  readonly port: number;
  readonly home: string;
  readonly admHome?: string | undefined;
}

const short = (text: string | undefined, max = 120) =>
  text === undefined || text === '' ? '?' : text.length > max ? `${text.slice(0, max)}…` : text;

/** Whether `text` names `dir` or a path inside it (`/app/soft/redis` is not in `/app/soft/redis-5.0.5/bin`). */
function names(text: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s=:])${d}(/|\\s|:|$)`).test(text);
}

/** Whether the process runs from the site file's (hand-installed) home or from ADM's layout. */
function layout(c: Described, e: Evidence): string {
  const seen = `${e.exe ?? ''} ${e.args ?? ''}`;
  if (c.admHome !== undefined && names(seen, c.admHome)) return `runs from ADM's layout ${c.admHome}`;
  if (names(seen, c.home))
    return `runs from ${c.home}${c.admHome === undefined ? '' : ` (not ADM's layout ${c.admHome})`}`;
  return `neither ${c.home} nor ${c.admHome ?? "ADM's layout"} is in its command line`;
}

/** Whether vesta is the process's parent, runs elsewhere on the host, or does not run. */
function guard(e: Evidence): string {
  if (e.guard === undefined) return `no ${ADM_GUARD} process on the host`;
  const pid = e.guard.split(' ')[0] ?? '';
  return pid === e.ppid
    ? `its parent is ${ADM_GUARD} (pid ${pid})`
    : `${ADM_GUARD} runs (pid ${pid}) but is not its parent`;
}

/** `host: pid N CMD (exe, user), parent P CMD; guard; version; layout`, or why nothing was found. */
export function describeOnHost(host: string, c: Described, e: Evidence | undefined): string {
  if (e === undefined) return `${host}: no answer`;
  const errors = e.errors.length > 0 ? `; tool errors: ${e.errors.join('; ')}` : '';
  if (e.pid === undefined) return `${host}: nothing listens on port ${c.port}; ${guard(e)}${errors}`;
  return [
    `${host}: pid ${e.pid} \`${short(e.args)}\` (exe ${short(e.exe, 80)}, user ${e.user ?? '?'})`,
    `parent ${e.ppid ?? '?'} \`${short(e.parent, 80)}\``,
    guard(e),
    `port ${c.port}`,
    `version ${e.version ?? 'unknown'}${e.versionFrom ? ` (${e.versionFrom})` : ''}`,
    layout(c, e),
  ]
    .join(', ')
    .concat(errors);
}

/** `host role R, pid N` for item 7: the live role or mode each node reports. */
export function liveMode(host: string, c: Described, e: Evidence | undefined): string {
  if (e === undefined) return `${host} no answer`;
  if (e.pid === undefined) return `${host} nothing on port ${c.port}`;
  return `${host} ${e.role === undefined ? 'running' : `role ${e.role}`} (pid ${e.pid}, version ${e.version ?? 'unknown'})`;
}
