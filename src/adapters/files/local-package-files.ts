import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { parse } from 'yaml';
import type { PackageFiles } from '../../core/ports/package-files.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { readUpgradeDepFile } from './read-upgrade-dep-file.ts';

/** The package directory on this machine's disk. */
export const localPackageFiles: PackageFiles = {
  list: (dir) => readdir(dir).catch(() => [] as string[]),
  async sha256(path) {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  },
  readUpgradeDep: async (rpmPath) => parseYaml(await readUpgradeDepFile(rpmPath)),
};

/** A YAML document as data; the error is the parser's first line. */
export function parseYaml(text: string): Result<unknown, string> {
  try {
    return ok(parse(text) as unknown);
  } catch (e) {
    return err(`not YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}
