import { z } from 'zod';
import { LIMITS, limitedString } from './field-limits.ts';
import { LocalPathSchema } from './site-fields.ts';

/**
 * A secret given by reference, never inline: `{ env: VAR }` (an environment variable of the process that runs
 * opsgate) or `{ file: path }` (a file; a relative path is relative to the site file's directory).
 */
export type SecretRef = { readonly env: string } | { readonly file: string };

const INLINE_MESSAGE = 'inline secrets are not allowed: give a reference, { env: VAR } or { file: path }';

export const SecretRefSchema = z
  .strictObject(
    {
      env: limitedString(LIMITS.envName, 'characters', `a variable name has at most ${LIMITS.envName}`)
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name')
        .optional(),
      file: LocalPathSchema.optional(),
    },
    // The value that was typed is never echoed back: it may be the password itself.
    {
      error: (iss) =>
        iss.code === 'invalid_type' && iss.input !== undefined && typeof iss.input !== 'object'
          ? INLINE_MESSAGE
          : undefined,
    },
  )
  .refine((v) => (v.env === undefined) !== (v.file === undefined), 'give exactly one of env or file')
  .transform((v): SecretRef => (v.env !== undefined ? { env: v.env } : { file: v.file ?? '' }));

/** True for a value produced by `SecretRefSchema` (an object whose only key is `env` or `file`). */
export function isSecretRef(v: unknown): v is SecretRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file') && typeof Object.values(v)[0] === 'string';
}

/** The process environment, against which `{ env: VAR }` references resolve (injectable for tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Why a secret could not be resolved. The message names the reference, never a value. */
export interface SecretProblem {
  readonly code: 'ENV_UNSET' | 'FILE_UNREADABLE' | 'EMPTY';
  readonly message: string;
}
