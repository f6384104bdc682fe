import { z } from 'zod';
import { AbsPathSchema, AddressSchema, NameSchema, PortSchema } from './site-fields.ts';
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
    .refine((v) => (v.host === undefined) !== (v.address === undefined), 'give exactly one of host (a host of this file) or address'),
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
});

export type Oceanbase = z.output<typeof OceanbaseSchema>;
