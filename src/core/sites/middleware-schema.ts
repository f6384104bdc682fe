import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import { AbsPathSchema, AddressSchema, IpSchema, NameSchema, PortSchema, ServiceNameSchema } from './site-fields.ts';
import { SecretRefSchema } from './secret-ref.ts';

/**
 * Middleware instances of a site. Each names its hosts (by host name), the instance name it has (or will have)
 * in PowerADM, its install layout today and, where ADM lays it out differently, `admLayout` after redeploy.
 */

/** Where ADM puts a component after a redeploy, where that differs from today's layout. */
export const AdmLayoutSchema = z.strictObject({
  home: AbsPathSchema.optional(),
  base: AbsPathSchema.optional(),
  data: AbsPathSchema.optional(),
  storePaths: z.array(AbsPathSchema).optional(),
  config: AbsPathSchema.optional(),
  service: ServiceNameSchema.optional(),
});

/** The instance's name in PowerADM (often Chinese: limited in UTF-8 bytes). */
const AdmInstanceSchema = limitedString(
  LIMITS.admInstanceBytes,
  'bytes',
  `an ADM instance name has at most ${LIMITS.admInstanceBytes} (UTF-8)`,
)
  .trim()
  .min(1, 'ADM instance name is empty');

export const KeepalivedSchema = z.strictObject({
  home: AbsPathSchema,
  config: AbsPathSchema,
  service: ServiceNameSchema.default('keepalived'),
  virtualRouterId: z.number().int().min(1).max(255).optional(),
});

/** Redis master/replica with a keepalived VIP (the business Redis, the CSB gateway Redis, a redis-proxy). */
export const RedisReplicationSchema = z.strictObject({
  name: NameSchema,
  admInstance: AdmInstanceSchema,
  master: NameSchema,
  replicas: z.array(NameSchema).default([]),
  port: PortSchema.default(6379),
  vip: IpSchema.optional(),
  password: SecretRefSchema.optional(),
  home: AbsPathSchema,
  data: AbsPathSchema,
  config: AbsPathSchema,
  service: ServiceNameSchema.default('redis'),
  keepalived: KeepalivedSchema.optional(),
  admLayout: AdmLayoutSchema.optional(),
  /** The version the site runs, when the file states it (`opsgate sites check` compares it with what the software reports). */
  version: z.string().min(1).optional(),
});

/** A Redis cluster (3 masters + 3 replicas, or 3 masters). */
export const RedisClusterSchema = z.strictObject({
  name: NameSchema,
  admInstance: AdmInstanceSchema,
  nodes: z.array(z.strictObject({ host: NameSchema, port: PortSchema })).min(1, 'a cluster needs at least one node'),
  password: SecretRefSchema.optional(),
  home: AbsPathSchema,
  data: AbsPathSchema,
  config: AbsPathSchema,
  service: ServiceNameSchema.default('redis'),
  admLayout: AdmLayoutSchema.optional(),
});

/** redis-proxy: one master, one replica and keepalived, in front of a Redis cluster. */
export const RedisProxySchema = RedisReplicationSchema.omit({ data: true }).extend({
  data: AbsPathSchema.optional(),
  /** The `name` of the Redis cluster instance it fronts. */
  cluster: NameSchema.optional(),
});

export const ZooKeeperSchema = z.strictObject({
  hosts: z.array(NameSchema).min(1, 'ZooKeeper needs at least one host'),
  port: PortSchema.default(2181),
  home: AbsPathSchema,
  data: AbsPathSchema,
  config: AbsPathSchema,
  service: ServiceNameSchema.default('zookeeper'),
  admLayout: AdmLayoutSchema.optional(),
  /** The version the site runs, when the file states it (`opsgate sites check` compares it with what the software reports). */
  version: z.string().min(1).optional(),
});

/** Kafka brokers with their ZooKeeper ensemble. */
export const KafkaSchema = z.strictObject({
  name: NameSchema,
  admInstance: AdmInstanceSchema,
  brokers: z.array(NameSchema).min(1, 'Kafka needs at least one broker'),
  port: PortSchema.default(9092),
  home: AbsPathSchema,
  data: AbsPathSchema,
  config: AbsPathSchema,
  service: ServiceNameSchema.default('kafka'),
  admLayout: AdmLayoutSchema.optional(),
  zookeeper: ZooKeeperSchema,
  /** The version the site runs, when the file states it (`opsgate sites check` compares it with what the software reports). */
  version: z.string().min(1).optional(),
  /**
   * How long the upgrade waits for the consumers to catch up (total lag 0) before it refuses on lag: a drain
   * polled every 10 s with the lag Kafka reports shown as the wait's progress. 0: lag is read once.
   */
  drainSeconds: z.number().int().min(0).max(7200).default(0),
});

/** FastDFS: trackers, storage servers (with their store paths) and the fastdfs-module nginx. */
export const FastdfsSchema = z.strictObject({
  name: NameSchema,
  admInstance: AdmInstanceSchema,
  tracker: z.strictObject({
    hosts: z.array(NameSchema).min(1, 'FastDFS needs at least one tracker'),
    port: PortSchema.default(22122),
    base: AbsPathSchema,
    config: AbsPathSchema,
    service: ServiceNameSchema.default('fdfs_trackerd'),
    admLayout: AdmLayoutSchema.optional(),
  }),
  storage: z.strictObject({
    hosts: z.array(NameSchema).min(1, 'FastDFS needs at least one storage host'),
    port: PortSchema.default(23000),
    group: limitedString(
      LIMITS.fastdfsGroup,
      'characters',
      `a FastDFS group name has at most ${LIMITS.fastdfsGroup} (FDFS_GROUP_NAME_MAX_LEN)`,
    )
      .regex(/^[A-Za-z0-9_]+$/, 'not a FastDFS group name')
      .default('group1'),
    base: AbsPathSchema,
    storePaths: z.array(AbsPathSchema).min(1, 'give at least one store path'),
    config: AbsPathSchema,
    service: ServiceNameSchema.default('fdfs_storaged'),
    admLayout: AdmLayoutSchema.optional(),
  }),
  nginx: z
    .strictObject({
      hosts: z.array(NameSchema).min(1, 'nginx needs at least one host'),
      port: PortSchema.default(80),
      vip: AddressSchema.optional(),
      home: AbsPathSchema,
      config: AbsPathSchema,
      service: ServiceNameSchema.default('nginx'),
      admLayout: AdmLayoutSchema.optional(),
    })
    .optional(),
  /** Empty hosts prepared for the redeploy (e.g. the third tracker). */
  spares: z.array(NameSchema).default([]),
  /**
   * The tracker the redeploy adds, on `host` (the seed: two trackers today, "另加一台"). `zoneAddresses` are the
   * addresses the site gives for it, one per network zone (the seed names 172.26.148.4 and 172.26.20.21); FastDFS
   * uses the one in the network of the other trackers.
   */
  newTracker: z
    .strictObject({
      host: NameSchema,
      zoneAddresses: z.array(IpSchema).min(1, 'give the new tracker at least one address'),
    })
    .optional(),
  /**
   * The download pair ADM adds: two nginx that balance file downloads over the storages' nginx, behind keepalived
   * with a VIP (the seed: "外加两个nginx来专门做文件下载的负载(是需要vip的)"); the first host holds the VIP.
   */
  download: z
    .strictObject({
      hosts: z.array(NameSchema).length(2, 'the download pair is two nginx: the VIP holder and its backup'),
      port: PortSchema.default(80),
      vip: IpSchema,
      home: AbsPathSchema.default('/mysql/fastdfs/nginx_lb'),
      service: ServiceNameSchema.default('nginx-lb'),
      keepalivedService: ServiceNameSchema.default('keepalived'),
    })
    .optional(),
});

export const MiddlewareSchema = z.strictObject({
  redis: z.array(RedisReplicationSchema).default([]),
  csbRedis: z.array(RedisReplicationSchema).default([]),
  redisClusters: z.array(RedisClusterSchema).default([]),
  redisProxies: z.array(RedisProxySchema).default([]),
  kafka: z.array(KafkaSchema).default([]),
  fastdfs: z.array(FastdfsSchema).default([]),
});

export type KeepalivedSpec = z.output<typeof KeepalivedSchema>;
export type RedisReplication = z.output<typeof RedisReplicationSchema>;
export type RedisCluster = z.output<typeof RedisClusterSchema>;
export type RedisProxy = z.output<typeof RedisProxySchema>;
export type Kafka = z.output<typeof KafkaSchema>;
export type Fastdfs = z.output<typeof FastdfsSchema>;
export type Middleware = z.output<typeof MiddlewareSchema>;
