import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEP_FILE_PATH, readUpgradeDepFile } from '../../../src/adapters/files/read-upgrade-dep-file.ts';
import { upgradeDepEntries } from '../../../src/runbooks/oceanbase/route/upgrade-dep-entries.ts';
import { computeUpgradeRoute, describeRoute } from '../../../src/runbooks/oceanbase/route/upgrade-route.ts';
import { assertRpmTools, buildRpm, which } from '../../support/oceanbase/build-rpm.ts';
import { parseYaml } from '../../../src/adapters/files/local-package-files.ts';

/** The dep file's text as the route planner gets it: YAML parsed by the package reader, then its entries. */
const parseUpgradeDep = (text: string) => {
  const doc = parseYaml(text);
  return doc.ok ? upgradeDepEntries(doc.value) : doc;
};

/** The lab's dep file, shaped as OceanBase's (4.3.4.0 … 4.4.1.0, a hotfix build, a barrier at 4.3.5.5). */
const DEP_SOURCE = fileURLToPath(new URL('../../../lab/obsim/oceanbase_upgrade_dep.yml', import.meta.url));
const depText = readFileSync(DEP_SOURCE, 'utf8');
let dir: string;
let server: string;
let libs: string;

beforeAll(() => {
  // Never skipped: CI installs these through scripts/setup.sh, and opsgate needs rpm2cpio and cpio to plan upgrades.
  assertRpmTools();
  dir = mkdtempSync(join(tmpdir(), 'ob-rpm-'));
  const observer = Buffer.concat([Buffer.from('\x7fELF'), Buffer.alloc(256 * 1024, 0x5a)]);
  // xz, el7's and el8's rpmbuild default (OceanBase's packages are built there); the libs package with gzip.
  const files = { 'home/admin/oceanbase/bin/observer': observer, [DEP_FILE_PATH]: depText };
  server = buildRpm(dir, { name: 'oceanbase-ce', version: '4.4.1.0', files, payload: 'w2.xzdio' });
  libs = buildRpm(dir, {
    name: 'oceanbase-ce-libs',
    version: '4.4.1.0',
    files: { 'home/admin/oceanbase/lib/libobcdc.so.4': Buffer.alloc(4096, 1) },
    payload: 'w6.gzdio',
  });
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const why = (f: string) =>
  readUpgradeDepFile(f).then(
    () => 'read',
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe('readUpgradeDepFile on a real RPM (rpmbuild, rpm2cpio, cpio)', () => {
  it('reads the dep file out of the oceanbase-ce RPM exactly as it was packed', async () => {
    expect(execFileSync('rpm', ['-qpl', server], { encoding: 'utf8' })).toContain(`/${DEP_FILE_PATH}\n`);
    expect(await readUpgradeDepFile(server)).toBe(depText);
  });

  it('computes the same route from the RPM as from the dep file itself, barrier included', async () => {
    const fromRpm = parseUpgradeDep(await readUpgradeDepFile(server));
    const direct = parseUpgradeDep(depText);
    if (!fromRpm.ok || !direct.ok) throw new Error('the lab dep file does not parse');
    for (const [start, to] of [
      [{ version: '4.3.5.4' }, '4.4.0.0'],
      [{ version: '4.3.5.3', build: '100000012025010910' }, '4.4.1.0'],
    ] as const) {
      expect(computeUpgradeRoute(fromRpm.value, start, to)).toEqual(computeUpgradeRoute(direct.value, start, to));
    }
    const r = computeUpgradeRoute(fromRpm.value, { version: '4.3.5.4' }, '4.4.0.0');
    expect(r.ok && describeRoute(r.value)).toBe('4.3.5.4 → 4.3.5.5 → 4.4.0.0 (2 binary hops: 4.3.5.5, 4.4.0.0)');
  });

  it('names the file and the dep file when the RPM has none (oceanbase-ce-libs)', async () => {
    expect(await why(libs)).toBe(
      `OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${libs}: no ${DEP_FILE_PATH} in it`,
    );
  });

  it('refuses what is not an RPM, or a damaged one, naming the file', async () => {
    const random = join(dir, 'random.rpm');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    expect(await why(random)).toBe(
      `OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${random}: neither an RPM nor a lab package`,
    );
    const fake = join(dir, 'magic-only.rpm');
    writeFileSync(fake, Buffer.concat([Buffer.from([0xed, 0xab, 0xee, 0xdb]), Buffer.alloc(4096, 0x41)]));
    expect(await why(fake)).toMatch(
      new RegExp(
        `^OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${escaped(fake)}: not a readable RPM, damaged or cut short \\(rpm2cpio exited 1`,
      ),
    );
    const cut = join(dir, 'cut-short.rpm');
    const whole = readFileSync(server);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await why(cut)).toMatch(
      new RegExp(
        `^OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${escaped(cut)}: not a readable RPM, damaged or cut short \\(`,
      ),
    );
  });

  describe('on a machine without the tools', () => {
    const path = process.env.PATH;
    afterEach(() => {
      process.env.PATH = path;
    });

    it.each(['rpm2cpio', 'cpio'])('says %s is not installed and how to install it', async (absent) => {
      const bin = mkdtempSync(join(dir, 'bin-'));
      for (const t of ['rpm2cpio', 'cpio'].filter((t) => t !== absent)) symlinkSync(which(t) ?? t, join(bin, t));
      process.env.PATH = bin;
      expect(await why(server)).toBe(
        `OB_PACKAGE_UNREADABLE: cannot read the upgrade route from ${server}: ${absent} is not installed on the machine running opsgate (install rpm2cpio and cpio there; on Debian: apt-get install rpm2cpio cpio)`,
      );
    });
  });
});
