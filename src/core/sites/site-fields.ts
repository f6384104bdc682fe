import { z } from 'zod';
import { isAddress } from './is-address.ts';
import { parseDuration } from './parse-duration.ts';

/**
 * Field schemas shared by every part of a site file. Messages never quote the offending value: a value in a
 * site file may be a secret typed in the wrong place.
 */

/** A name used as a reference inside the file (host, group, instance, zone). */
export const NameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a valid name (letters, digits, ".", "_", "-"; at most 63)');

export const AddressSchema = z.string().refine(isAddress, 'not an IP address or host name');

export const PortSchema = z
  .number()
  .int('not a port number (1-65535)')
  .min(1, 'not a port number (1-65535)')
  .max(65535, 'not a port number (1-65535)');

/** An absolute path on a remote host. Shell metacharacters are allowed (commands quote every value). */
export const AbsPathSchema = z.string().regex(/^\/[^\0\n\r]*$/, 'not an absolute path');

/** An init/systemd service name as given to `service NAME start`. */
export const ServiceNameSchema = z.string().regex(/^[A-Za-z0-9_.@-]+$/, 'not a service name');

export const SlackUserIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'not a Slack user ID (U… or W…)');
export const SlackGroupIdSchema = z.string().regex(/^S[A-Z0-9]{2,}$/, 'not a Slack user group ID (S…)');
export const SlackChannelIdSchema = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'not a Slack channel ID (C… or G…)');

export const DurationSchema = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'not a duration (e.g. 90s, 30m, 1h30m, 2d)');

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
