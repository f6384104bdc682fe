import type { SecretSource } from '../../core/ports/secrets.ts';
import { secretRefAt } from '../../core/sites/secret-at.ts';
import type { Env } from '../../core/sites/secret-ref.ts';
import type { SiteDirectory } from '../../core/sites/site.ts';
import { SecretUnknownError } from '../../core/sites/secret-unknown-error.ts';
import { requireSecret, type ReadText } from './resolve-secret.ts';

/**
 * Secrets named by path in the sites' files, read from the environment or their files each time a step asks (a
 * rotated password file is picked up by the next step).
 */
export function siteSecretSource(sites: SiteDirectory, env: Env, readFile?: ReadText): SecretSource {
  return {
    async resolve(siteName, name) {
      const site = sites.get(siteName);
      const ref = site?.spec === undefined ? undefined : secretRefAt(site.spec, name);
      if (ref === undefined || site?.baseDir === undefined) throw new SecretUnknownError(siteName, name);
      return requireSecret(ref, { env, baseDir: site.baseDir, ...(readFile ? { readFile } : {}) });
    },
  };
}
