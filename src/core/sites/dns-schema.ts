import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import { AddressSchema, NameSchema, PortSchema, ServiceNameSchema, processTextSchema } from './site-fields.ts';

const ZONE = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** A record name: relative to the zone (`redis`, `kafka-1.mq`) or fully qualified with a trailing dot. */
const RECORD_NAME =
  /^(@|\*|(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?)$/;

const dnsName = (what: string) =>
  limitedString(LIMITS.hostName, 'characters', `${what} has at most ${LIMITS.hostName} (RFC 1035)`);

/**
 * The DNS components dual-centre DR needs in centre A. `process` is a text of the component's command line (default:
 * `sbin/named` for bind, else `service`); `port` the TCP port it listens on (default: the zone's `port` for bind; for
 * the others the ports its process listens on are read on the host).
 */
export const DnsComponentSchema = z.strictObject({
  name: z.enum(['bind', 'power-dns', 'power-api']),
  hosts: z.array(NameSchema).min(1, 'name at least one host'),
  service: ServiceNameSchema,
  process: processTextSchema().min(2, 'a process text is at least 2 characters').optional(),
  port: PortSchema.optional(),
});

/** DNS servers and the records of the zone as PowerADM generated them (name → address). */
export const DnsSchema = z.strictObject({
  servers: z.array(NameSchema).min(1, 'name at least one DNS server'),
  port: PortSchema.default(53),
  zone: dnsName('a zone name').regex(ZONE, 'not a DNS zone name'),
  components: z.array(DnsComponentSchema).default([]),
  records: z.record(dnsName('a record name').regex(RECORD_NAME, 'not a DNS record name'), AddressSchema).default({}),
});

export type Dns = z.output<typeof DnsSchema>;
