import { OpsgateError } from '../opsgate-error.ts';

/** A step names a secret that the site file does not have (a runbook bug or a site file without it). */
export class SecretUnknownError extends OpsgateError {
  readonly code = 'SECRET_UNKNOWN';

  constructor(
    readonly site: string,
    readonly secret: string,
  ) {
    super(`site ${site} has no secret reference at ${secret}: add it to the site file or fix the runbook`, {
      fields: { site, secret },
    });
  }
}
