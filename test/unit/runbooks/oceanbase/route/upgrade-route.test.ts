import { describe, expect, it } from 'vitest';
import {
  upgradeDepEntries,
  type UpgradeDepEntry,
} from '../../../../../src/runbooks/oceanbase/route/upgrade-dep-entries.ts';
import { computeUpgradeRoute, describeRoute } from '../../../../../src/runbooks/oceanbase/route/upgrade-route.ts';
import { parseYaml } from '../../../../../src/adapters/files/local-package-files.ts';

/** The dep file's text as the route planner gets it: YAML parsed by the package reader, then its entries. */
const parseUpgradeDep = (text: string) => {
  const doc = parseYaml(text);
  return doc.ok ? upgradeDepEntries(doc.value) : doc;
};

/**
 * A dep file shaped as the ones OceanBase ships (etc/oceanbase_upgrade_dep.yml): build-specific deprecated
 * entries, barriers that hold only when coming from some versions, a barrier that always holds, a version
 * reachable two ways, and a target that has no entry of its own.
 */
const DEP = `
# versions, the versions each was tested to upgrade to directly, and the barriers
- version: 4.0.0.0
  can_be_upgraded_to:
      - 4.1.0.0

- version: 4.1.0.0-100000192023032010   # a beta build: may be a start, never a target
  can_be_upgraded_to:
    - 4.1.0.0
  deprecated: True

- version: 4.1.0.0
  can_be_upgraded_to:
      - 4.1.0.1

- version: 4.1.0.1
  can_be_upgraded_to:
      - 4.1.0.2

- version: 4.1.0.2
  can_be_upgraded_to:
      - 4.2.0.0
  require_from_binary:
    value: True
    when_come_from: [4.0.0.0, 4.1.0.0-100000192023032010]

- version: 4.2.0.0-100000152023080109
  can_be_upgraded_to:
    - 4.2.0.0
  deprecated: True

- version: 4.2.0.0
  can_be_upgraded_to:
      - 4.2.1.0

- version: 4.2.1.0
  can_be_upgraded_to:
      - 4.2.1.1

- version: 4.2.1.1
  can_be_upgraded_to:
      - 4.2.1.2

- version: 4.2.1.2
  can_be_upgraded_to:
      - 4.3.0.0
      - 4.3.0.1
  require_from_binary:
    value: True
    when_come_from: [4.1.0.0, 4.1.0.1, 4.1.0.2, 4.2.0.0]

- version: 4.3.0.0
  can_be_upgraded_to:
      - 4.3.0.1

- version: 4.3.0.1
  can_be_upgraded_to:
      - 4.3.1.0
  require_from_binary: True

- version: 4.3.1.0
  can_be_upgraded_to:
      - 4.3.2.0
  require_from_binary:
    value: True
    when_upgraded_to: [4.3.3.0]

- version: 4.3.2.0
  can_be_upgraded_to:
      - 4.3.3.0
      - 4.3.2.1

- version: 4.3.2.1
  deprecated: True
`;

function entries(text = DEP): UpgradeDepEntry[] {
  const r = parseUpgradeDep(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('parseUpgradeDep', () => {
  it('reads versions, targets, deprecation and conditional barriers', () => {
    const e = entries();
    expect(e).toHaveLength(15);
    expect(e.find((x) => x.version === '4.1.0.0-100000192023032010')).toMatchObject({
      deprecated: true,
      canBeUpgradedTo: ['4.1.0.0'],
    });
    expect(e.find((x) => x.version === '4.1.0.2')).toMatchObject({
      requireFromBinary: true,
      whenComeFrom: ['4.0.0.0', '4.1.0.0-100000192023032010'],
    });
    expect(e.find((x) => x.version === '4.3.0.1')).toMatchObject({ requireFromBinary: true });
    expect(e.find((x) => x.version === '4.3.0.1')?.whenComeFrom).toBeUndefined();
  });

  it('names the entry and the field that is wrong', () => {
    expect(parseUpgradeDep('- version: 4.3\n')).toEqual({
      ok: false,
      error: 'entry 1: version "4.3" is not a.b.c.d or a.b.c.d-build',
    });
    expect(parseUpgradeDep('- version: 4.3.0.0\n  can_be_upgraded_to: [4.3.1.0, latest]\n')).toEqual({
      ok: false,
      error: 'entry 1 (4.3.0.0) can_be_upgraded_to: "latest" is not a version a.b.c.d or a.b.c.d-build',
    });
    expect(parseUpgradeDep('- version: 4.3.0.0\n- version: 4.3.0.0\n')).toEqual({
      ok: false,
      error: 'entry 2: version 4.3.0.0 is listed twice',
    });
    expect(parseUpgradeDep('version: 4.3.0.0\n')).toEqual({ ok: false, error: 'not a list of version entries' });
    expect(parseUpgradeDep('- version: [\n').ok).toBe(false);
  });
});

describe('computeUpgradeRoute', () => {
  it('a direct route: the target is the only binary hop', () => {
    const r = computeUpgradeRoute(entries(), { version: '4.3.2.0' }, '4.3.3.0');
    expect(r).toEqual({
      ok: true,
      value: { from: '4.3.2.0', to: '4.3.3.0', path: ['4.3.2.0', '4.3.3.0'], hops: ['4.3.3.0'] },
    });
  });

  it('versions between barriers are passed by the scripts, not installed', () => {
    const r = computeUpgradeRoute(entries(), { version: '4.2.0.0' }, '4.2.1.2');
    expect(r.ok && r.value.path).toEqual(['4.2.0.0', '4.2.1.0', '4.2.1.1', '4.2.1.2']);
    expect(r.ok && r.value.hops).toEqual(['4.2.1.2']);
  });

  it('several barriers: each that applies to this start and this target is a binary hop, in order', () => {
    const r = computeUpgradeRoute(entries(), { version: '4.1.0.1' }, '4.3.3.0');
    expect(r.ok && r.value.path).toEqual([
      '4.1.0.1',
      '4.1.0.2',
      '4.2.0.0',
      '4.2.1.0',
      '4.2.1.1',
      '4.2.1.2',
      '4.3.0.1',
      '4.3.1.0',
      '4.3.2.0',
      '4.3.3.0',
    ]);
    // 4.1.0.2 is a barrier only from 4.0.0.0 or the 4.1 beta; 4.2.1.2 from 4.1.x; 4.3.0.1 always; 4.3.1.0 only on the
    // way to 4.3.3.0.
    expect(r.ok && r.value.hops).toEqual(['4.2.1.2', '4.3.0.1', '4.3.1.0', '4.3.3.0']);
    expect(r.ok && describeRoute(r.value)).toBe(
      '4.1.0.1 → 4.1.0.2 → 4.2.0.0 → 4.2.1.0 → 4.2.1.1 → 4.2.1.2 → 4.3.0.1 → 4.3.1.0 → 4.3.2.0 → 4.3.3.0 (4 binary hops: 4.2.1.2, 4.3.0.1, 4.3.1.0, 4.3.3.0)',
    );
  });

  it('takes the shortest path (4.2.1.2 goes straight to 4.3.0.1), and a barrier bound to another target does not apply', () => {
    const r = computeUpgradeRoute(entries(), { version: '4.2.1.1' }, '4.3.2.0');
    expect(r.ok && r.value.path).toEqual(['4.2.1.1', '4.2.1.2', '4.3.0.1', '4.3.1.0', '4.3.2.0']);
    expect(r.ok && r.value.hops).toEqual(['4.3.0.1', '4.3.2.0']);
  });

  it('a start build listed on its own (the 4.1 beta) makes the barriers bound to it apply', () => {
    const beta = computeUpgradeRoute(entries(), { version: '4.1.0.0', build: '100000192023032010' }, '4.2.0.0');
    expect(beta.ok && beta.value.path).toEqual([
      '4.1.0.0-100000192023032010',
      '4.1.0.0',
      '4.1.0.1',
      '4.1.0.2',
      '4.2.0.0',
    ]);
    expect(beta.ok && beta.value.hops).toEqual(['4.1.0.2', '4.2.0.0']);
    const release = computeUpgradeRoute(entries(), { version: '4.1.0.0', build: '100000012023050515' }, '4.2.0.0');
    expect(release.ok && release.value.hops).toEqual(['4.2.0.0']);
  });

  it('no route: downgrade, same version, before 4.1.0.0, a start or target not in the file, a deprecated target, no chain', () => {
    const e = entries();
    const why = (from: string, to: string) => {
      const r = computeUpgradeRoute(e, { version: from }, to);
      return r.ok ? 'routed' : r.error;
    };
    expect(why('4.3.2.0', '4.3.1.0')).toBe(
      "4.3.1.0 is older than the cluster's 4.3.2.0; OceanBase cannot be downgraded",
    );
    expect(why('4.3.2.0', '4.3.2.0')).toBe('the cluster already runs 4.3.2.0');
    expect(why('4.0.0.0', '4.2.0.0')).toMatch(/^the cluster runs 4\.0\.0\.0, before 4\.1\.0\.0/);
    expect(why('4.2.5.0', '4.3.3.0')).toBe(
      "the cluster's version 4.2.5.0 is not in the dep file, so no upgrade from it to 4.3.3.0 has been tested",
    );
    expect(why('4.3.2.0', '4.3.9.9')).toBe('4.3.9.9 is not in its own dep file');
    expect(why('4.3.2.0', '4.3.2.1')).toBe('4.3.2.1 is deprecated: it may be passed through, never be the target');
    const island = entries('- version: 4.3.4.0\n  can_be_upgraded_to: [4.3.4.1]\n- version: 4.3.5.0\n');
    expect(computeUpgradeRoute(island, { version: '4.3.4.0' }, '4.3.5.0')).toEqual({
      ok: false,
      error: 'no chain of can_be_upgraded_to leads from 4.3.4.0 to 4.3.5.0',
    });
  });
});
