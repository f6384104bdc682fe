import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import {
  AbsPathSchema,
  AddressSchema,
  DurationSchema,
  LocalPathSchema,
  LoginNameSchema,
  NameSchema,
  PortSchema,
} from './site-fields.ts';
import { SecretRefSchema } from './secret-ref.ts';

/** An OceanBase user, `user@tenant`: at most 64 bytes each. */
const obUser = () =>
  limitedString(
    LIMITS.obUserBytes,
    'bytes',
    `an OceanBase user@tenant has at most ${LIMITS.obUserBytes} (64 for the user, 64 for the tenant)`,
  ).min(1);

/** Another observer's SQL port for the sys tenant: a host of this file or an address, and its port. */
const SqlAlternateSchema = z
  .strictObject({ host: NameSchema.optional(), address: AddressSchema.optional(), port: PortSchema.optional() })
  .refine(
    (v) => (v.host === undefined) !== (v.address === undefined),
    'give exactly one of host (a host of this file) or address',
  );

/** The observer's home when the site file gives none: where obd, the RPMs and OCP put it by default. */
export const DEFAULT_OB_HOME = '/home/admin/oceanbase';

/** How a cluster's observers were deployed, which decides how the upgrade stops, installs and starts them. */
export const OB_DEPLOYERS = ['obd', 'rpm', 'ocp'] as const;

/**
 * How the cluster is deployed: by obd, by hand from the RPMs, or by OCP (which opsgate never acts behind). obd and
 * the RPMs run `bin/observer` as the deploy user from the home path; OCP the same under its own agent.
 */
const DeploySchema = z.strictObject({
  by: z.enum(OB_DEPLOYERS, { error: `give one of ${OB_DEPLOYERS.join(', ')}` }),
  user: LoginNameSchema.default('admin'),
  home: AbsPathSchema.optional(),
});

/**
 * An OceanBase cluster. The prechecks connect straight to an observer's SQL port as a sys-tenant user (never
 * through ODP); `host` names a host of this file, `address` anything else.
 */
const ClusterSchema = z.strictObject({
  name: NameSchema,
  sys: z
    .strictObject({
      host: NameSchema.optional(),
      address: AddressSchema.optional(),
      port: PortSchema.default(2881),
      user: obUser().default('root@sys'),
      password: SecretRefSchema,
      /**
       * Other observers whose SQL port serves the same sys tenant, tried in order when the one above does not
       * answer (it is in the zone being upgraded). Absent: when `host` is an observer of a zone, the first host
       * of every other zone, at the same port.
       */
      alternates: z.array(SqlAlternateSchema).max(16, 'give at most 16 alternates').optional(),
    })
    .refine(
      (v) => (v.host === undefined) !== (v.address === undefined),
      'give exactly one of host (a host of this file) or address',
    ),
  zones: z
    .array(z.strictObject({ name: NameSchema, hosts: z.array(NameSchema).min(1, 'a zone needs at least one host') }))
    .min(1, 'give at least one zone'),
  /** The observer home (older site files); `deploy.home` says the same, give one of the two. */
  home: AbsPathSchema.optional(),
  deploy: DeploySchema.optional(),
  /**
   * ODP (obproxy), when the business reaches the cluster through it: the business probe then goes through it too.
   * `host` names a host of this file, `address` anything else; the port is obproxy's `listen_port` (obd's default
   * 2883).
   */
  odp: z
    .strictObject({ host: NameSchema.optional(), address: AddressSchema.optional(), port: PortSchema.default(2883) })
    .refine(
      (v) => (v.host === undefined) !== (v.address === undefined),
      'give exactly one of host (a host of this file) or address',
    )
    .optional(),
  /** A business tenant the probe logs in to, to prove the cluster serves SQL during the upgrade. */
  probeTenant: z
    .strictObject({
      user: obUser(),
      password: SecretRefSchema,
      database: limitedString(
        LIMITS.obDatabaseBytes,
        'bytes',
        `an OceanBase database name has at most ${LIMITS.obDatabaseBytes}`,
      )
        .min(1)
        .optional(),
    })
    .optional(),
  /** The rolling upgrade (`/upgrade <site> ob <cluster> --to <version>`). */
  upgrade: z
    .strictObject({
      /**
       * Where the packages are on the machine running opsgate (relative to the site file): `oceanbase-ce-<v>.rpm`
       * and `oceanbase-ce-libs-<v>.rpm` for every target version.
       */
      packages: LocalPathSchema.default('packages/oceanbase'),
      /** How long a passed `/precheck <site> ob <cluster>` lets an upgrade start. */
      precheckValidFor: DurationSchema.default('1h'),
      /**
       * upgrade_pre's pause after turning major freezes and adaptive compaction off, before it checks that no
       * merge is running (the script: 120 s). Only a test lab without real compactions has reason to shorten it.
       */
      compactionSettle: DurationSchema.default('120s'),
    })
    .default({ packages: 'packages/oceanbase', precheckValidFor: '1h', compactionSettle: '120s' }),
});

/**
 * The cluster as every layer takes it: `home` and `deploy` resolved once. A site file without `deploy` (older
 * ones) is an obd/RPM layout run by `admin`, the layout both default to; `home` and `deploy.home` are one value.
 */
export const OceanbaseSchema = ClusterSchema.superRefine((ob, ctx) => {
  if (ob.home !== undefined && ob.deploy?.home !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['deploy', 'home'],
      message: 'the observer home is given twice (home and deploy.home): keep deploy.home only',
    });
}).transform(({ home, deploy, ...rest }) => {
  const resolved = deploy?.home ?? home ?? DEFAULT_OB_HOME;
  return {
    ...rest,
    home: resolved,
    deploy: { by: deploy?.by ?? 'obd', user: deploy?.user ?? 'admin', home: resolved },
  };
});

export type Oceanbase = z.output<typeof OceanbaseSchema>;
/** How one cluster is deployed, resolved. */
export type ObDeploy = Oceanbase['deploy'];
