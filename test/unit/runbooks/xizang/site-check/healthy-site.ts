import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import type { SiteFile } from '../../../../../src/core/sites/site-schema.ts';
import type {
  HostReading,
  ProbeReading,
  SiteReading,
} from '../../../../../src/runbooks/xizang/site-check/read-site.ts';

/** The lab's Xizang site file, and what a live site exactly as it describes answers to the site check's probes. */

export const SITE_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  'lab',
  'sites',
  'xizang.yml',
);

/** The lab's site file, loaded (secrets not resolved). */
export async function labSpec() {
  const loaded = await loadSite(SITE_FILE, { env: {}, checkSecrets: false });
  if (!loaded.ok) throw new Error('the lab site file does not load');
  return loaded.value;
}

/** A host's address in `spec`. */
export const addressIn = (spec: SiteFile, host: string): string =>
  spec.hosts.find((h) => h.name === host)?.address ?? '?';

/** Probe lines by host, then by probe id. */
export type ProbeLines = Map<string, Map<string, string[]>>;

/** What each probe of a site exactly as its file describes it would print. */
export function healthy(spec: SiteFile): ProbeLines {
  const addr = (host: string): string => addressIn(spec, host);
  const m = spec.middleware;
  const out = new Map<string, Map<string, string[]>>();
  const put = (host: string, id: string, lines: string[]) => {
    const probes = out.get(host) ?? new Map<string, string[]>();
    probes.set(id, lines);
    out.set(host, probes);
  };
  const proc = (args: string) => ['pid=100', 'exe=/usr/bin/x', 'cwd=/', `args=${args}`];
  for (const key of ['redis', 'csbRedis'] as const)
    m[key].forEach((r, i) =>
      [r.master, ...r.replicas].forEach((h, j) =>
        put(h, `${key}.${i}`, [
          ...proc(`${r.home}/bin/redis-server 0.0.0.0:${r.port}`),
          'redis_version=7.0.15',
          `executable=${r.home}/bin/redis-server`,
          `config_file=${r.config}`,
          `tcp_port=${r.port}`,
          j === 0 ? 'role=master' : 'role=slave',
          ...(j === 0 ? [] : [`master_host=${addr(r.master)}`]),
          'addr=127.0.0.1',
          `addr=${addr(h)}`,
          ...(j === 0 && r.vip ? [`addr=${r.vip}`] : []),
          `keepalived=${r.keepalived?.home ?? ''}/sbin/keepalived -f ${r.keepalived?.config ?? ''}`,
        ]),
      ),
    );
  m.kafka.forEach((k, i) => {
    k.brokers.forEach((h, j) =>
      put(h, `kafka.${i}`, [
        ...proc(`java -cp ${k.home}/libs/x kafka.Kafka ${k.config}`),
        'version=2.3.0',
        `broker.id=${j + 1}`,
      ]),
    );
    const z = k.zookeeper;
    z.hosts.forEach((h) =>
      put(h, `zookeeper.${i}`, [
        ...proc(`java -cp ${z.home}/lib/x QuorumPeerMain ${z.config}`),
        'version=3.5.6',
        'mode=follower',
        `conf=${z.config}`,
        ...z.hosts.map((x, n) => `member=server.${n + 1} ${addr(x)}`),
      ]),
    );
    put(z.hosts[0] ?? '', `brokers.${i}`, [
      'ids=[1, 2, 3]',
      ...k.brokers.map((b, j) => `reg=${j + 1} ${addr(b)}:${k.port}`),
    ]);
  });
  m.fastdfs.forEach((f, i) => {
    for (const h of f.tracker.hosts) put(h, `tracker.${i}`, proc(`fdfs_trackerd ${f.tracker.config}`));
    for (const h of f.storage.hosts) put(h, `storage.${i}`, proc(`fdfs_storaged ${f.storage.config}`));
    put(f.storage.hosts[0] ?? '', `monitor.${i}`, [
      `group=${f.storage.group}`,
      ...f.storage.hosts.map((h) => `storage=${f.storage.group} ${addr(h)}`),
    ]);
    for (const h of f.nginx?.hosts ?? [])
      put(h, `nginx.${i}`, proc(`nginx: master process ${f.nginx?.home ?? ''}/sbin/nginx`));
  });
  return out;
}

/** The reading of `lines`, the hosts in `down` unreachable. */
export function reading(lines: ProbeLines, down: readonly string[] = []): SiteReading {
  const out = new Map<string, HostReading>();
  for (const [host, probes] of lines)
    out.set(
      host,
      down.includes(host)
        ? { kind: 'unreachable', cause: 'connect ECONNREFUSED' }
        : {
            kind: 'read',
            probes: new Map(
              [...probes].map(([id, l]): [string, ProbeReading] => [id, { kind: 'read', exitCode: 0, lines: l }]),
            ),
          },
    );
  return out;
}

/** Replaces the lines of probe `id` on `host` that start with `key=` by `values`. */
export function set(lines: ProbeLines, host: string, id: string, key: string, ...values: string[]) {
  const probe = lines.get(host)?.get(id) ?? [];
  lines.get(host)?.set(id, [...probe.filter((l) => !l.startsWith(`${key}=`)), ...values.map((v) => `${key}=${v}`)]);
}
