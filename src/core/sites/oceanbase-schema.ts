import { z } from 'zod';
import { AbsPathSchema, AddressSchema, DurationSchema, NameSchema, PortSchema } from './site-fields.ts';
import { SecretRefSchema } from './secret-ref.ts';

/**
 * An OceanBase cluster. The prechecks connect straight to an observer's SQL port as a sys-tenant user (never
 * through ODP); `host` names a host of this file, `address` anything else.
 */
export const OceanbaseSchema = z.strictObject({
  name: NameSchema,
  sys: z
    .strictObject({
      host: NameSchema.optional(),
      address: AddressSchema.optional(),
      port: PortSchema.default(2881),
      user: z.string().min(1).default('root@sys'),
      password: SecretRefSchema,
    })
    .refine(
      (v) => (v.host === undefined) !== (v.address === undefined),
      'give exactly one of host (a host of this file) or address',
    ),
  zones: z
    .array(z.strictObject({ name: NameSchema, hosts: z.array(NameSchema).min(1, 'a zone needs at least one host') }))
    .min(1, 'give at least one zone'),
  home: AbsPathSchema.default('/home/admin/oceanbase'),
  /** A business tenant the probe logs in to, to prove the cluster serves SQL during the upgrade. */
  probeTenant: z
    .strictObject({
      user: z.string().min(1),
      password: SecretRefSchema,
      database: z.string().min(1).optional(),
    })
    .optional(),
  /** The rolling upgrade (`/upgrade <site> ob <cluster> --to <version>`). */
  upgrade: z
    .strictObject({
      /**
       * Where the packages are on the machine running opsgate (relative to the site file): `oceanbase-ce-<v>.rpm`
       * and `oceanbase-ce-libs-<v>.rpm` for every target version.
       */
      packages: z.string().min(1).default('packages/oceanbase'),
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

export type Oceanbase = z.output<typeof OceanbaseSchema>;
