import { isIP } from 'node:net';

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** True for an IPv4 or IPv6 literal. */
export function isIpAddress(text: string): boolean {
  return isIP(text) !== 0;
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
