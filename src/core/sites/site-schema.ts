import { z } from 'zod';
import { AdmSchema } from './adm-schema.ts';
import { DnsSchema } from './dns-schema.ts';
import { HostSchema, SshSchema } from './host-schema.ts';
import { MiddlewareSchema } from './middleware-schema.ts';
import { OceanbaseSchema } from './oceanbase-schema.ts';
import { PaasSchema } from './paas-schema.ts';
import { PolicySchema } from './policy-schema.ts';
import { labelSchema, NameSchema, SlackChannelIdSchema } from './site-fields.ts';

/**
 * The schema of a site file (`sites/<site>.yml`). Every object is strict: an unknown key is an error, so a
 * misspelt field never silently falls back to a default. References between parts (a group naming a host,
 * an instance on a host …) are checked by `checkSiteReferences`.
 */
export const SiteSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'not a site id (lower-case letters, digits, "-")'),
  name: labelSchema('a display name').trim().min(1, 'display name is empty'),
  slack: z.strictObject({ channel: SlackChannelIdSchema }),
  ssh: SshSchema,
  hosts: z.array(HostSchema).min(1, 'a site needs at least one host'),
  /** Extra group membership, besides each host's own `groups`. */
  groups: z.record(NameSchema, z.array(NameSchema)).default({}),
  middleware: MiddlewareSchema.default({
    redis: [],
    csbRedis: [],
    redisClusters: [],
    redisProxies: [],
    kafka: [],
    fastdfs: [],
  }),
  dns: DnsSchema.optional(),
  paas: PaasSchema.optional(),
  adm: AdmSchema,
  oceanbase: z.array(OceanbaseSchema).default([]),
  policy: PolicySchema,
});

/** The contents of a validated site file; secrets are still references. Everything else takes a `Site` (site.ts). */
export type SiteFile = z.output<typeof SiteSchema>;
