import type { Env } from '../../core/sites/secret-ref.ts';
import type { SecretSource } from '../../core/ports/secrets.ts';
import type { LoadedSite } from './load-site.ts';
import { requireSecret, type ReadText } from './resolve-secret.ts';
import { secretRefAt } from '../../core/sites/secret-at.ts';
import { SecretUnknownError } from '../../core/sites/secret-unknown-error.ts';

/**
 * Secrets named by path in the loaded site files, read from the environment or their files each time a step
 * asks (a rotated password file is picked up by the next step).
 */
export function siteSecretSource(loadedOf: (site: string) => LoadedSite, env: Env, readFile?: ReadText): SecretSource {
  return {
    async resolve(site, name) {
      const loaded = loadedOf(site);
      const ref = secretRefAt(loaded.site, name);
      if (ref === undefined) throw new SecretUnknownError(site, name);
      return requireSecret(ref, { env, baseDir: loaded.baseDir, ...(readFile ? { readFile } : {}) });
    },
  };
}
