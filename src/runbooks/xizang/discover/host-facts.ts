/** One listening process (or keepalived) as `discoverProbe` saw it. */
export interface ProcFacts {
  readonly pid: string;
  readonly user: string;
  /** The program as started: argv[0] when absolute (keeps a symlinked install path), else /proc/PID/exe. */
  readonly prog: string;
  readonly cwd: string;
  readonly args: string;
  readonly ports: readonly number[];
  /** `conf=PID KEY VALUE` lines: the settings of its own config, every value of a key in order. */
  readonly conf: ReadonlyMap<string, readonly string[]>;
  /** Redis `INFO` fields (`role`, `master_host`, `slave0` …). */
  readonly info: ReadonlyMap<string, string>;
}

/** What one host runs, as `discoverProbe` printed it. */
export interface HostFacts {
  readonly addresses: readonly string[];
  readonly procs: readonly ProcFacts[];
  /** Init scripts and systemd units naming one of the processes' programs or configs, with the paths they name. */
  readonly services: readonly { readonly name: string; readonly paths: ReadonlySet<string> }[];
  /** Zones a bind config declares. */
  readonly zones: readonly string[];
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k) ?? [];
  list.push(v);
  m.set(k, list);
}

/** Parses the output of `discoverProbe` (see its doc for the lines); unknown lines are ignored. */
export function readHostFacts(lines: readonly string[]): HostFacts {
  const addresses: string[] = [];
  const zones: string[] = [];
  const services: { name: string; paths: Set<string> }[] = [];
  const base = new Map<string, { user: string; exe: string; cwd: string }>();
  const args = new Map<string, string>();
  const progs = new Map<string, string>();
  const ports = new Map<string, number[]>();
  const conf = new Map<string, Map<string, string[]>>();
  const info = new Map<string, Map<string, string>>();
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    const [first = '', ...rest] = value.split(' ');
    const tail = rest.join(' ').trim();
    switch (key) {
      case 'addr':
        addresses.push(value.trim());
        break;
      case 'zone':
        zones.push(value.trim());
        break;
      case 'listen':
        pushTo(ports, first, Number(rest[0]));
        break;
      case 'proc':
        base.set(first, { user: rest[0] ?? '?', exe: rest[1] ?? '?', cwd: rest[2] ?? '?' });
        break;
      case 'args':
        args.set(first, tail);
        break;
      case 'prog':
        progs.set(first, tail);
        break;
      case 'svc':
        services.push({ name: first, paths: new Set(rest.filter((p) => p !== '')) });
        break;
      case 'conf': {
        const m = conf.get(first) ?? new Map<string, string[]>();
        conf.set(first, m);
        const [k = '', ...v] = rest;
        pushTo(m, k, v.join(' ').trim());
        break;
      }
      case 'redis': {
        const m = info.get(first) ?? new Map<string, string>();
        info.set(first, m);
        const colon = tail.indexOf(':');
        if (colon > 0) m.set(tail.slice(0, colon), tail.slice(colon + 1));
        break;
      }
      default:
        break;
    }
  }
  const procs = [...base].map(([pid, b]): ProcFacts => ({
    pid,
    user: b.user,
    prog: progs.get(pid) ?? b.exe,
    cwd: b.cwd,
    args: args.get(pid) ?? '',
    ports: [...new Set(ports.get(pid) ?? [])].sort((a, b) => a - b),
    conf: conf.get(pid) ?? new Map(),
    info: info.get(pid) ?? new Map(),
  }));
  return { addresses, procs, services, zones };
}

/**
 * The service that starts an instance: the init script or unit naming most of its paths (a path under its home
 * counts twice, its config once, its program once), so a site's own `/etc/init.d/redis` wins over the
 * distribution's `redis-server` that names only the shared config. Undefined when none names any.
 */
export function serviceOf(
  host: HostFacts,
  instance: { readonly home?: string; readonly config?: string; readonly prog?: string },
): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const s of host.services) {
    let score = 0;
    const paths = [...s.paths];
    if (instance.home !== undefined && paths.some((p) => p === instance.home || p.startsWith(`${instance.home}/`)))
      score += 2;
    if (instance.config !== undefined && s.paths.has(instance.config)) score += 1;
    if (instance.prog !== undefined && s.paths.has(instance.prog)) score += 1;
    if (score > 0 && (best === undefined || score > best.score)) best = { name: s.name, score };
  }
  return best?.name;
}

/** The first value of `key` in the process's config, or undefined. */
export function confOf(p: ProcFacts, key: string): string | undefined {
  return p.conf.get(key)?.[0];
}
