import { confOf, serviceOf, type ProcFacts } from './host-facts.ts';
import { hostOfAddress, parentOf, trimSlash, type DiscoverInput, type Draft, type Drafted } from './discovered-site.ts';

interface Found {
  readonly host: string;
  readonly p: ProcFacts;
}

function serviceFor(input: DiscoverInput, f: Found, home: string | undefined, config: string, fallback: string) {
  const facts = input.facts.get(f.host);
  return (facts && serviceOf(facts, { ...(home === undefined ? {} : { home }), config, prog: f.p.prog })) ?? fallback;
}

/**
 * The FastDFS instances the hosts run, one per storage group: its storages (`fdfs_storaged`, with `group_name`,
 * `base_path` and each `store_pathN`'s `data/` directory, where FastDFS keeps the files), the trackers its
 * `tracker_server` lines name, and the nginx on its storage hosts (the fastdfs module's).
 */
export function draftFastdfs(input: DiscoverInput): Drafted<Draft[]> {
  const notes: string[] = [];
  const trackers: Found[] = [];
  const storages: Found[] = [];
  const nginxes: Found[] = [];
  for (const h of input.hosts)
    for (const p of input.facts.get(h.name)?.procs ?? []) {
      if (p.args.includes('fdfs_trackerd')) trackers.push({ host: h.name, p });
      if (p.args.includes('fdfs_storaged')) storages.push({ host: h.name, p });
      if (p.args.startsWith('nginx: master')) nginxes.push({ host: h.name, p });
    }
  const groups = new Map<string, Found[]>();
  for (const s of storages) {
    const g = confOf(s.p, 'group_name') ?? 'group1';
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  const out: Draft[] = [];
  const used = new Set<string>();
  for (const [group, list] of groups) {
    const s = list[0];
    if (s === undefined) continue;
    const named = (s.p.conf.get('tracker_server') ?? []).map((t) => hostOfAddress(input, t.split(':')[0] ?? ''));
    const mine = trackers.filter((t) => named.includes(t.host));
    const t = mine[0] ?? trackers[0];
    if (t === undefined) {
      notes.push(`FastDFS ${group} on ${list.map((x) => x.host).join(', ')}: no tracker found on the hosts read`);
      continue;
    }
    const tConfig = confOf(t.p, 'file') ?? '/etc/fdfs/tracker.conf';
    const tBase = trimSlash(confOf(t.p, 'base_path') ?? '/');
    const sConfig = confOf(s.p, 'file') ?? '/etc/fdfs/storage.conf';
    const sBase = trimSlash(confOf(s.p, 'base_path') ?? '/');
    const stores = [...s.p.conf]
      .filter(([k]) => /^store_path\d+$/.test(k))
      .sort(([a], [b]) => Number(a.slice(10)) - Number(b.slice(10)))
      .map(([, v]) => `${trimSlash(v[0] ?? '')}/data`);
    const hosts = list.map((x) => x.host);
    const ngx = nginxes.filter((n) => hosts.includes(n.host));
    for (const n of ngx) used.add(n.host);
    const n = ngx[0];
    const name = `fastdfs-${out.length + 1}`;
    for (const x of mine.length > 0 ? mine : trackers) used.add(`tracker ${x.host}`);
    out.push({
      name,
      admInstance: `TODO ${name}`,
      tracker: {
        hosts: (mine.length > 0 ? mine : trackers).map((x) => x.host),
        port: Number(confOf(t.p, 'port') ?? 22122),
        base: tBase,
        config: tConfig,
        service: serviceFor(input, t, tBase, tConfig, 'fdfs_trackerd'),
      },
      storage: {
        hosts,
        port: Number(confOf(s.p, 'port') ?? 23000),
        group,
        base: sBase,
        storePaths: stores.length > 0 ? stores : [`${sBase}/data`],
        config: sConfig,
        service: serviceFor(input, s, sBase, sConfig, 'fdfs_storaged'),
      },
      ...(n === undefined
        ? {}
        : {
            nginx: {
              hosts: ngx.map((x) => x.host),
              port: n.p.ports[0] ?? 80,
              home: parentOf(n.p.prog, 2),
              config: confOf(n.p, 'file') ?? `${parentOf(n.p.prog, 2)}/conf/nginx.conf`,
              service: serviceFor(
                input,
                n,
                parentOf(n.p.prog, 2),
                confOf(n.p, 'file') ?? `${parentOf(n.p.prog, 2)}/conf/nginx.conf`,
                'nginx',
              ),
            },
          }),
    });
  }
  for (const t of trackers)
    if (!used.has(`tracker ${t.host}`)) notes.push(`${t.host}: a FastDFS tracker no storage of the hosts read names`);
  for (const n of nginxes)
    if (!used.has(n.host))
      notes.push(
        `${n.host}: nginx on port(s) ${n.p.ports.join(', ')}, outside FastDFS: the site file has no place for it`,
      );
  return { value: out, notes };
}
