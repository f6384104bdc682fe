import type { SecretRef } from '../../../core/sites/secret-ref.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';

/**
 * One deployed component of a middleware instance, flattened from the site file (for the precheck and its document).
 */
export interface Component {
  /** The instance's name in the site file (`business-redis`). */
  readonly middleware: string;
  /** The product as the business knows it (`Redis`, `CSB Redis`, `Kafka`, `ZooKeeper`, `FastDFS tracker` …). */
  readonly product: string;
  readonly admInstance: string;
  /** Deployment mode (`master/replica + keepalived`, `cluster`, …). */
  readonly mode: string;
  readonly hosts: readonly string[];
  readonly port: number;
  /** The component's home or base directory today. */
  readonly home: string;
  /** Where its version can be read on a host: a shell expression printing one version word. */
  readonly versionProbe: 'redis' | 'kafka' | 'zookeeper' | 'fdfs' | 'nginx';
  /** The ADM product that deploys this component. */
  readonly admProduct:
    'redis-ha' | 'redis' | 'redis-cluster' | 'kafka' | 'zookeeper' | 'fdfs-tracker' | 'fdfs-storage' | 'nginx';
  /** Where its data lives (the site file's data, base and store paths), for the disk usage. */
  readonly dataPaths: readonly string[];
  /** Redis only: its redis.conf, from which the password is read on the host. */
  readonly config?: string;
  /** Where ADM's layout puts its home (site file `admLayout`), when the site file says. */
  readonly admHome?: string;
  /** Where its credential is kept: the site file's path of the reference and the reference (never a value). */
  readonly credential?: { readonly path: string; readonly ref: SecretRef };
}

/** `{ env: X }` → `env X`, `{ file: P }` → `file P`: where a secret is kept, never what it is. */
export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`;
}

/** Every middleware component of the site, in the order of the site file. */
export function middlewareInventory(spec: SiteFile): Component[] {
  const m = spec.middleware;
  const out: Component[] = [];
  for (const [list, product, key] of [
    [m.redis, 'Redis', 'redis'],
    [m.csbRedis, 'CSB gateway Redis', 'csbRedis'],
  ] as const) {
    for (const r of list) {
      const mode = r.replicas.length === 0 ? 'standalone' : `master/replica${r.keepalived ? ' + keepalived' : ''}`;
      const admProduct = r.replicas.length === 0 ? 'redis' : 'redis-ha';
      out.push({
        middleware: r.name,
        product,
        admInstance: r.admInstance,
        mode,
        hosts: [r.master, ...r.replicas],
        port: r.port,
        home: r.home,
        versionProbe: 'redis',
        admProduct,
        dataPaths: [r.data],
        config: r.config,
        ...(r.admLayout?.home === undefined ? {} : { admHome: r.admLayout.home }),
        ...(r.password === undefined
          ? {}
          : { credential: { path: `middleware.${key}[${r.name}].password`, ref: r.password } }),
      });
    }
  }
  for (const c of m.redisClusters) {
    out.push({
      middleware: c.name,
      product: 'Redis cluster',
      admInstance: c.admInstance,
      mode: 'cluster',
      hosts: c.nodes.map((n) => n.host),
      port: c.nodes[0]?.port ?? 6379,
      home: c.home,
      versionProbe: 'redis',
      admProduct: 'redis-cluster',
      dataPaths: [c.data],
      config: c.config,
      ...(c.admLayout?.home === undefined ? {} : { admHome: c.admLayout.home }),
      ...(c.password === undefined
        ? {}
        : { credential: { path: `middleware.redisClusters[${c.name}].password`, ref: c.password } }),
    });
  }
  for (const k of m.kafka) {
    out.push({
      middleware: k.name,
      product: 'Kafka',
      admInstance: k.admInstance,
      mode: 'cluster',
      hosts: k.brokers,
      port: k.port,
      home: k.home,
      versionProbe: 'kafka',
      admProduct: 'kafka',
      dataPaths: [k.data],
      ...(k.admLayout?.home === undefined ? {} : { admHome: k.admLayout.home }),
    });
    const z = k.zookeeper;
    out.push({
      middleware: k.name,
      product: 'ZooKeeper',
      admInstance: k.admInstance,
      mode: 'ensemble',
      hosts: z.hosts,
      port: z.port,
      home: z.home,
      versionProbe: 'zookeeper',
      admProduct: 'zookeeper',
      dataPaths: [z.data],
      ...(z.admLayout?.home === undefined ? {} : { admHome: z.admLayout.home }),
    });
  }
  for (const f of m.fastdfs) {
    out.push({
      middleware: f.name,
      product: 'FastDFS tracker',
      admInstance: f.admInstance,
      mode: 'tracker cluster',
      hosts: f.tracker.hosts,
      port: f.tracker.port,
      home: f.tracker.base,
      versionProbe: 'fdfs',
      admProduct: 'fdfs-tracker',
      dataPaths: [f.tracker.base],
      ...(f.tracker.admLayout?.base === undefined ? {} : { admHome: f.tracker.admLayout.base }),
    });
    out.push({
      middleware: f.name,
      product: 'FastDFS storage',
      admInstance: f.admInstance,
      mode: `storage ${f.storage.group}`,
      hosts: f.storage.hosts,
      port: f.storage.port,
      home: f.storage.base,
      versionProbe: 'fdfs',
      admProduct: 'fdfs-storage',
      dataPaths: [f.storage.base, ...f.storage.storePaths],
      ...(f.storage.admLayout?.base === undefined ? {} : { admHome: f.storage.admLayout.base }),
    });
    if (f.nginx)
      out.push({
        middleware: f.name,
        product: 'nginx (fastdfs module)',
        admInstance: f.admInstance,
        mode: 'file download',
        hosts: f.nginx.hosts,
        port: f.nginx.port,
        home: f.nginx.home,
        versionProbe: 'nginx',
        admProduct: 'nginx',
        dataPaths: [],
        ...(f.nginx.admLayout?.home === undefined ? {} : { admHome: f.nginx.admLayout.home }),
      });
  }
  return out;
}
