import { z } from 'zod';
import { AbsPathSchema, AddressSchema, LoginNameSchema, NameSchema, PortSchema } from './site-fields.ts';
import { SecretRefSchema } from './secret-ref.ts';

/**
 * How commands become root when the login user is not root: `sudo` (the only method; a site whose policy allows
 * only `su` needs a terminal for its password prompt, which a runner without one cannot give). `password`, by
 * reference, is written to sudo's stdin, never put on a command line. Uploads to root-owned paths are staged in
 * `stagingDir` (default: `.opsgate-staging` in the login user's home), then moved into place by sudo.
 */
export const BecomeSchema = z.strictObject({
  method: z.literal('sudo', { error: 'only sudo is supported (su needs a terminal for its password prompt)' }),
  password: SecretRefSchema.optional(),
  stagingDir: AbsPathSchema.optional(),
});

/** One machine of the site, reached over SSH. */
export const HostSchema = z.strictObject({
  name: NameSchema,
  address: AddressSchema,
  port: PortSchema.default(22),
  groups: z.array(NameSchema).default([]),
  /** Overrides the site's `ssh.become` for this host (e.g. a host whose sudo needs no password). */
  become: BecomeSchema.optional(),
});

/** Credentials: a user with a private key, a password or both (the key is tried first), by reference. */
const AuthShape = {
  user: LoginNameSchema,
  privateKey: SecretRefSchema.optional(),
  passphrase: SecretRefSchema.optional(),
  password: SecretRefSchema.optional(),
};

function hasCredential(v: { privateKey?: unknown; password?: unknown }): boolean {
  return v.privateKey !== undefined || v.password !== undefined;
}

const NO_CREDENTIAL = { message: 'give privateKey, password or both' };

/**
 * The SSH jump host: either a host of this file (`host`, reached with the site's own credentials) or an
 * outside address with its own credentials.
 */
export const JumpHostSchema = z
  .strictObject({
    host: NameSchema.optional(),
    address: AddressSchema.optional(),
    port: PortSchema.optional(),
    user: LoginNameSchema.optional(),
    privateKey: SecretRefSchema.optional(),
    passphrase: SecretRefSchema.optional(),
    password: SecretRefSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.host === undefined) === (v.address === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of host (a host of this file) or address' });
      return;
    }
    if (v.host !== undefined) {
      for (const key of ['port', 'user', 'privateKey', 'passphrase', 'password'] as const) {
        if (v[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'not allowed with host: a host of this file uses its own port and the site credentials',
          });
      }
      return;
    }
    if (v.user === undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: 'required with address' });
    if (!hasCredential(v)) ctx.addIssue({ code: 'custom', ...NO_CREDENTIAL });
  });

/** How opsgate logs in to every host of the site. */
export const SshSchema = z
  .strictObject({
    ...AuthShape,
    /** The expected host keys, in OpenSSH known_hosts format, by reference. */
    knownHosts: SecretRefSchema,
    jump: JumpHostSchema.optional(),
    /** Log in as `user`, then run every command as root through sudo (hosts may override it). */
    become: BecomeSchema.optional(),
  })
  .refine(hasCredential, NO_CREDENTIAL);

export type Host = z.output<typeof HostSchema>;
export type Ssh = z.output<typeof SshSchema>;
export type JumpHost = z.output<typeof JumpHostSchema>;
export type Become = z.output<typeof BecomeSchema>;
