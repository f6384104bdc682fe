import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { argsName, isDifference, listening, probeOf } from './probe-view.ts';
import type { SiteReading } from './read-site.ts';

type Fastdfs = SiteFile['middleware']['fastdfs'][number];

/**
 * A FastDFS instance against the site: each tracker and storage listens on its port with its config, the trackers
 * know the file's storage group with exactly the file's storage hosts in it (`fdfs_monitor`), and each nginx listens
 * on its port running the binary under its home.
 */
export function compareFastdfs(spec: SiteFile, index: number, reading: SiteReading): SiteDifference[] {
  const f = spec.middleware.fastdfs[index] as Fastdfs;
  const base = ['middleware', 'fastdfs', index] as const;
  const out: SiteDifference[] = [];
  for (const [role, part, what] of [
    ['tracker', f.tracker, 'the FastDFS tracker'],
    ['storage', f.storage, 'the FastDFS storage'],
  ] as const)
    for (const host of part.hosts) {
      const path = [...base, role, 'port'];
      const p = probeOf(reading, host, `${role}.${index}`, { path, what });
      if (p === undefined) continue;
      if (isDifference(p)) {
        out.push(p);
        continue;
      }
      const d =
        listening(p, { path, what, port: part.port }) ??
        argsName(p, part.config, {
          path: [...base, role, 'config'],
          says: `${what} reads ${part.config} on ${host}`,
          port: part.port,
        });
      if (d !== undefined) out.push(d);
    }
  groups(spec, f, index, reading, out);
  if (f.nginx !== undefined)
    for (const host of f.nginx.hosts) {
      const path = [...base, 'nginx', 'port'];
      const p = probeOf(reading, host, `nginx.${index}`, { path, what: 'nginx' });
      if (p === undefined) continue;
      if (isDifference(p)) {
        out.push(p);
        continue;
      }
      // Its command line, not /proc/PID/exe: nginx names the binary it was started as in its master's title.
      const d =
        listening(p, { path, what: 'nginx (fastdfs module)', port: f.nginx.port }) ??
        argsName(p, `${f.nginx.home.replace(/\/+$/, '')}/`, {
          path: [...base, 'nginx', 'home'],
          says: `nginx runs from ${f.nginx.home} on ${host}`,
          port: f.nginx.port,
        });
      if (d !== undefined) out.push(d);
    }
  return out;
}

/** The storage group and its members as the trackers know them (fdfs_monitor on the first storage host). */
function groups(spec: SiteFile, f: Fastdfs, index: number, reading: SiteReading, out: SiteDifference[]): void {
  const first = f.storage.hosts[0];
  if (first === undefined) return;
  const base = ['middleware', 'fastdfs', index, 'storage'] as const;
  const p = probeOf(reading, first, `monitor.${index}`, { path: [...base, 'group'], what: 'fdfs_monitor' });
  if (p === undefined) return;
  if (isDifference(p)) return void out.push(p);
  const error = p.value('error');
  if (error !== undefined)
    return void out.push({
      path: [...base, 'group'],
      says: `the trackers know storage group ${f.storage.group}`,
      has: 'no answer from the trackers',
      evidence: error,
    });
  const names = p.values('group');
  if (!names.includes(f.storage.group))
    return void out.push({
      path: [...base, 'group'],
      says: `the trackers know storage group ${f.storage.group}`,
      has: names.length === 0 ? 'no group' : `group(s) ${names.join(', ')}`,
      evidence: `fdfs_monitor ${f.storage.config} on ${first}`,
    });
  const members = p
    .values('storage')
    .filter((s) => s.startsWith(`${f.storage.group} `))
    .map((s) => s.slice(f.storage.group.length + 1));
  const wanted = f.storage.hosts.map((h) => spec.hosts.find((x) => x.name === h)?.address ?? h);
  if (members.length !== wanted.length || !wanted.every((a) => members.includes(a)))
    out.push({
      path: [...base, 'hosts'],
      says: `group ${f.storage.group} is ${wanted.join(', ')}`,
      has: `group ${f.storage.group} is ${members.join(', ') || 'empty'}`,
      evidence: `fdfs_monitor ${f.storage.config} on ${first}`,
    });
}
