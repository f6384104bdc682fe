import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { isDifference, listening, probeOf } from './probe-view.ts';
import type { SiteReading } from './read-site.ts';

type Redis = SiteFile['middleware']['redis'][number];

/**
 * A master/replica Redis instance against the site: on each of its hosts a redis-server listens on its port, runs
 * the executable under its home with its config (INFO server), has the role the file gives the host (INFO
 * replication), the version the file states; the VIP sits on the master and on no replica; keepalived runs from
 * its home with its config.
 */
export function compareRedis(
  spec: SiteFile,
  key: 'redis' | 'csbRedis',
  index: number,
  reading: SiteReading,
): SiteDifference[] {
  const r = spec.middleware[key][index] as Redis;
  const base = ['middleware', key, index] as const;
  const out: SiteDifference[] = [];
  const addressOf = new Map(spec.hosts.map((h) => [h.address, h.name]));
  const hosts = [r.master, ...r.replicas].map((h, j) => ({
    host: h,
    master: j === 0,
    path: j === 0 ? [...base, 'master'] : [...base, 'replicas', j - 1],
  }));
  for (const { host, master, path } of hosts) {
    const p = probeOf(reading, host, `${key}.${index}`, { path: [...base, 'port'], what: r.name });
    if (p === undefined) continue;
    if (isDifference(p)) {
      out.push(p);
      continue;
    }
    const down = listening(p, { path: [...base, 'port'], what: `${r.name} (redis-server)`, port: r.port });
    if (down !== undefined) {
      out.push(down);
      continue;
    }
    const error = p.value('error');
    if (error !== undefined || p.value('redis_version') === undefined) {
      out.push({
        path: [...base, 'password'],
        says: `${r.name} answers redis-cli on port ${r.port} on ${host}`,
        has: 'no answer to INFO',
        evidence: error ?? 'redis-cli INFO printed no redis_version',
      });
      continue;
    }
    const exe = p.value('executable') ?? '';
    if (!exe.startsWith(`${r.home.replace(/\/+$/, '')}/`))
      out.push({
        path: [...base, 'home'],
        says: `${r.name} runs from ${r.home} on ${host}`,
        has: `it runs ${exe}`,
        evidence: `INFO server executable, pid ${p.value('pid') ?? '?'}`,
      });
    const config = p.value('config_file') ?? '';
    if (config !== r.config)
      out.push({
        path: [...base, 'config'],
        says: `${r.name} reads ${r.config} on ${host}`,
        has: config === '' ? 'it runs without a config file' : `it reads ${config}`,
        evidence: 'INFO server config_file',
      });
    const version = p.value('redis_version');
    if (r.version !== undefined && version !== r.version)
      out.push({
        path: [...base, 'version'],
        says: `${r.name} is Redis ${r.version} on ${host}`,
        has: `Redis ${version ?? 'unknown'}`,
        evidence: 'INFO server redis_version',
      });
    const role = p.value('role');
    const wanted = master ? 'master' : 'slave';
    if (role !== wanted) {
      const of = p.value('master_host');
      const ofName = of === undefined ? undefined : addressOf.get(of);
      out.push({
        path,
        says: `${host} is the ${master ? 'master' : 'replica'} of ${r.name}`,
        has:
          role === 'slave'
            ? `${host} is a replica of ${ofName ?? of ?? '?'}${ofName === undefined ? '' : ` (${of ?? ''})`}`
            : `${host} is ${role === 'master' ? 'a master' : `in role ${role ?? 'unknown'}`}`,
        evidence: `INFO replication role:${role ?? '?'}${of === undefined ? '' : ` master_host:${of}`}`,
      });
    }
    const addrs = p.values('addr');
    if (r.vip !== undefined && addrs.includes(r.vip) !== master)
      out.push({
        path: [...base, 'vip'],
        says: `the VIP ${r.vip} is held by the master ${r.master}`,
        has: master ? `${host} does not hold it` : `the replica ${host} holds it`,
        evidence: `ip -o -4 addr on ${host}: ${addrs.join(', ')}`,
      });
    if (r.keepalived !== undefined) {
      const k = r.keepalived;
      const procs = p.values('keepalived');
      const ours = procs.find((a) => a.startsWith(`${k.home.replace(/\/+$/, '')}/`) && a.includes(k.config));
      if (ours === undefined)
        out.push({
          path: [...base, 'keepalived', 'home'],
          says: `keepalived runs from ${k.home} with ${k.config} on ${host}`,
          has: procs.length === 0 ? 'no keepalived process' : `keepalived runs as ${procs[0] ?? ''}`,
          evidence: 'pgrep -x keepalived, /proc/PID/cmdline',
        });
    }
  }
  return out;
}
