import { describe, expect, test } from 'vitest';
import {
  compareObVersions,
  obVersion,
  obVersionToInt,
  parseObVersion,
  scriptStringCompare,
} from '../../../../../src/runbooks/oceanbase/shared/ob-version.ts';
import { describeGate, gateAllows } from '../../../../../src/runbooks/oceanbase/shared/version-gate.ts';

describe('OceanBase versions', () => {
  test.each([
    ['4.1.0.0', 17179934720n],
    ['4.2.2.0', 17180000768n],
    ['4.2.5.1', 17180001537n],
    ['4.3.0.0', 17180065792n],
    ['4.3.5.1', 17180067073n],
    ['4.3.5.5', 17180067077n],
  ])('encodes %s as the integer OceanBase stores (%s)', (text, int) => {
    expect(obVersionToInt(obVersion(text))).toBe(int);
  });

  test.each(['4.3.5', '4.3.5.5.1', '4.x.5.5', '4.3.256.0', '4.65536.0.0', ''])(
    'rejects %j with the script message',
    (text) => {
      expect(parseObVersion(text)).toEqual({ ok: false, error: `version:${text} is invalid` });
    },
  );

  test('compares numerically part by part', () => {
    expect(compareObVersions(obVersion('4.3.5.5'), obVersion('4.10.0.0'))).toBeLessThan(0);
    expect(compareObVersions(obVersion('4.2.10.0'), obVersion('4.2.5.1'))).toBeGreaterThan(0);
    expect(compareObVersions(obVersion('4.3.5.5'), obVersion('4.3.5.5'))).toBe(0);
  });

  test('the script string compare disagrees with numbers as soon as a part has two digits', () => {
    expect(scriptStringCompare('4.10.0.0', '4.3.5.5')).toBeLessThan(0);
    expect(compareObVersions(obVersion('4.10.0.0'), obVersion('4.3.5.5'))).toBeGreaterThan(0);
    expect(scriptStringCompare('4.2.10.0', '4.2.5.1')).toBeLessThan(0);
    expect(scriptStringCompare('4.3.5.5', '4.2.5.1')).toBeGreaterThan(0);
  });
});

describe('version gates', () => {
  test('a "below" gate holds up to but not at its version', () => {
    const gate = { on: 'cluster', below: '4.1.0.0' } as const;
    expect(gateAllows(gate, obVersion('4.0.9.9'))).toBe(true);
    expect(gateAllows(gate, obVersion('4.1.0.0'))).toBe(false);
  });

  test('an "at least" gate holds from its version on, including two-digit parts', () => {
    const gate = { on: 'cluster', atLeast: '4.3.0.0' } as const;
    expect(gateAllows(gate, obVersion('4.2.5.1'))).toBe(false);
    expect(gateAllows(gate, obVersion('4.3.0.0'))).toBe(true);
    expect(gateAllows(gate, obVersion('4.10.0.0'))).toBe(true);
  });

  test('describes itself for the skipped finding', () => {
    expect(describeGate({ on: 'cluster', below: '4.3.2.0' })).toBe('cluster version < 4.3.2.0');
    expect(describeGate({ on: 'data', atLeast: '4.3.0.0', below: '4.3.3.0' })).toBe(
      'data version >= 4.3.0.0 and < 4.3.3.0',
    );
  });
});
