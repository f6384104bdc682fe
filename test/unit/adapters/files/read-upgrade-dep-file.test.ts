import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUpgradeDepFile } from '../../../../src/adapters/files/read-upgrade-dep-file.ts';

const MAKE = fileURLToPath(new URL('../../../../lab/obsim/make-ob-packages.sh', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ob-dep-'));
  execFileSync('bash', [MAKE, dir, '4.3.5.5']);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readUpgradeDepFile', () => {
  it("reads the lab package's dep file: the entries up to its own version", async () => {
    const text = await readUpgradeDepFile(join(dir, 'oceanbase-ce-4.3.5.5.rpm'));
    expect(text).toMatch(/- version: 4\.3\.5\.4\n {2}can_be_upgraded_to:\n {4}- 4\.3\.5\.5\n/);
    expect(text).toMatch(/- version: 4\.3\.5\.5\n {2}require_from_binary:/);
    expect(text).not.toMatch(/4\.4\.0\.0/);
  });

  it('names the file and what is wrong: missing, not a package, a package without the dep file', async () => {
    const why = (f: string) =>
      readUpgradeDepFile(f).then(
        () => 'read',
        (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
      );
    expect(await why(join(dir, 'nope.rpm'))).toBe(
      `OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${join(dir, 'nope.rpm')}: ENOENT`,
    );
    writeFileSync(join(dir, 'text.rpm'), 'not a package');
    expect(await why(join(dir, 'text.rpm'))).toBe(
      `OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${join(dir, 'text.rpm')}: neither an RPM nor a lab package`,
    );
    expect(await why(join(dir, 'oceanbase-ce-libs-4.3.5.5.rpm'))).toMatch(
      /^OB_PACKAGE_UNREADABLE: .*oceanbase-ce-libs-4\.3\.5\.5\.rpm: no home\/admin\/oceanbase\/etc\/oceanbase_upgrade_dep\.yml in it/,
    );
  });
});
