import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import {
  AbsPathSchema,
  AddressSchema,
  DurationSchema,
  LocalPathSchema,
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
      user: obUser().default('root@sys'),
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

export type Oceanbase = z.output<typeof OceanbaseSchema>;
