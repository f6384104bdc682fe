import { z } from 'zod';

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const IPV4 = z.ipv4();
const IPV6 = z.ipv6();
/** An IPv6 zone after `%` (`fe80::1%eth0`), as Node's `net.isIP` accepts it. */
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** True for an IPv4 or IPv6 literal (an IPv6 one may name its zone), as `net.isIP` says, without node:net. */
export function isIpAddress(text: string): boolean {
  if (IPV4.safeParse(text).success) return true;
  const zoneAt = text.indexOf('%');
  if (zoneAt === -1) return IPV6.safeParse(text).success;
  return ZONE.test(text.slice(zoneAt + 1)) && IPV6.safeParse(text.slice(0, zoneAt)).success;
}

/**
 * True for an IPv4/IPv6 literal or a DNS host name. A dotted string of digits only that is not a valid IPv4
 * address (`10.77.0.300`, `1.2`) is refused: it is a mistyped address, not a host name.
 */
export function isAddress(text: string): boolean {
  if (isIpAddress(text)) return true;
  if (/^[0-9.]+$/.test(text)) return false;
  return HOST_NAME.test(text);
}
