import { z } from 'zod';
import { componentsFit, LIMITS, limitedString } from './field-limits.ts';
import { isAddress, isIpAddress } from './is-address.ts';
import { parseDuration } from './parse-duration.ts';

/**
 * Field schemas shared by every part of a site file. Messages never quote the offending value: a value in a
 * site file may be a secret typed in the wrong place. Every string has a length limit (field-limits.ts).
 */

/** A name used as a reference inside the file (host, group, instance, zone). */
export const NameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a valid name (letters, digits, ".", "_", "-"; at most 63)');

/** The zone of a link-local IPv6 address (`fe80::1%eth0`) is an interface name. */
const ZONE_MESSAGE = `too long: the zone after % is an interface name, at most ${LIMITS.ipv6Zone} characters`;
const zoneFits = (text: string) => !text.includes('%') || text.length - text.indexOf('%') - 1 <= LIMITS.ipv6Zone;

const addressText = () =>
  limitedString(LIMITS.hostName, 'characters', `an address has at most ${LIMITS.hostName} (a host name, RFC 1123)`);

/** An IPv4 or IPv6 address or a DNS host name. */
export const AddressSchema = addressText()
  .refine(isAddress, { message: 'not an IP address or host name', abort: true })
  .refine(zoneFits, ZONE_MESSAGE);

/** An IPv4 or IPv6 address. */
export const IpSchema = addressText()
  .refine(isIpAddress, { message: 'not an IP address', abort: true })
  .refine(zoneFits, ZONE_MESSAGE);

export const PortSchema = z
  .number()
  .int('not a port number (1-65535)')
  .min(1, 'not a port number (1-65535)')
  .max(65535, 'not a port number (1-65535)');

/** A path of at most PATH_MAX bytes whose every component fits NAME_MAX. */
function pathSchema() {
  return limitedString(
    LIMITS.pathBytes,
    'bytes',
    `a path has at most ${LIMITS.pathBytes} (PATH_MAX, 4096 with the terminating NUL)`,
  ).refine((p) => componentsFit(p) === undefined, {
    error: (issue) => componentsFit(String(issue.input)),
    abort: true,
  });
}

/** An absolute path on a remote host. Shell metacharacters are allowed (commands quote every value). */
export const AbsPathSchema = pathSchema().regex(/^\/[^\0\n\r]*$/, 'not an absolute path');

/** A path on the machine running opsgate; a relative one is relative to the site file's directory. */
export const LocalPathSchema = pathSchema().regex(/^[^\0\n\r]+$/, 'not a path (empty, or a line break in it)');

/** An init/systemd service name as given to `service NAME start`. */
export const ServiceNameSchema = limitedString(
  LIMITS.serviceName,
  'characters',
  `a service name has at most ${LIMITS.serviceName} (systemd's 255 with ".service")`,
).regex(/^[A-Za-z0-9_.@-]+$/, 'not a service name');

/** A login name on the hosts (optionally ending in `$`, as useradd allows). */
export const LoginNameSchema = limitedString(
  LIMITS.loginName,
  'characters',
  `a login name has at most ${LIMITS.loginName} (useradd)`,
).regex(/^[a-z_][a-z0-9_.-]*\$?$/, 'not a login name');

const slackId = (re: RegExp, message: string) =>
  limitedString(LIMITS.slackId, 'characters', `a Slack ID has at most ${LIMITS.slackId}`).regex(re, message);
export const SlackUserIdSchema = slackId(/^[UW][A-Z0-9]{2,}$/, 'not a Slack user ID (U… or W…)');
export const SlackGroupIdSchema = slackId(/^S[A-Z0-9]{2,}$/, 'not a Slack user group ID (S…)');
export const SlackChannelIdSchema = slackId(/^[CG][A-Z0-9]{2,}$/, 'not a Slack channel ID (C… or G…)');

export const DurationSchema = limitedString(
  LIMITS.duration,
  'characters',
  `a duration has at most ${LIMITS.duration}`,
).refine((s) => parseDuration(s) !== undefined, 'not a duration (e.g. 90s, 30m, 1h30m, 2d)');

/**
 * Text a process's command line holds (its executable's path, a config path, a Java main class): one line, as
 * long as a path at most.
 */
export function processTextSchema() {
  return limitedString(LIMITS.pathBytes, 'bytes', `a process text has at most ${LIMITS.pathBytes}, as a path`).regex(
    /^[^\n\0]+$/,
    'a process text is one line',
  );
}

/** A short text shown in chat: a display name, a version. */
export function labelSchema(what: string) {
  return limitedString(LIMITS.label, 'characters', `${what} has at most ${LIMITS.label}`);
}

export const Sha256Schema = z.string().regex(/^[0-9a-fA-F]{64}$/, 'not a sha256 (64 hex digits)');

/** Where a step runs: hosts by name and/or host groups; at least one of them. */
export const TargetsShape = {
  hosts: z.array(NameSchema).optional(),
  groups: z.array(NameSchema).optional(),
};

/** Refinement for objects built on `TargetsShape`. */
export function hasTargets(v: {
  hosts?: readonly string[] | undefined;
  groups?: readonly string[] | undefined;
}): boolean {
  return (v.hosts?.length ?? 0) + (v.groups?.length ?? 0) > 0;
}

export const HAS_TARGETS_MESSAGE = { message: 'name at least one host or group (hosts: [...] or groups: [...])' };
