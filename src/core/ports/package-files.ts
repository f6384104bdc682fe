import type { Result } from '../result.ts';

/**
 * What runbooks may read of the local package directory a site file names (OceanBase's `upgrade.packages`):
 * read-only look-ups on the machine opsgate plans and runs on. Uploading a file to a host is the
 * `RemoteSession`'s job.
 */
export interface PackageFiles {
  /** The names of the files in `dir`; empty when the directory cannot be read. */
  list(dir: string): Promise<readonly string[]>;
  /** The sha256 (hex) of a local file. */
  sha256(path: string): Promise<string>;
  /**
   * `oceanbase_upgrade_dep.yml` out of an oceanbase-ce RPM, parsed from YAML (the error says why it is not
   * YAML). Throws a coded error naming the file when the package itself cannot be read.
   */
  readUpgradeDep(rpmPath: string): Promise<Result<unknown, string>>;
}
