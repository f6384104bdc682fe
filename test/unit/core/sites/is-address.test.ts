import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAddress, isIpAddress } from '../../../../src/core/sites/is-address.ts';

describe('isIpAddress', () => {
  it('says what node:net says of every kind of literal a site file may hold', () => {
    const samples = [
      '1.2.3.4',
      '01.2.3.4',
      '10.77.0.300',
      '1.2',
      '::1',
      '::',
      'fe80::1',
      'fe80::1%eth0',
      'fe80::1%',
      '::ffff:1.2.3.4',
      '2001:db8::8a2e:370:7334',
      '1::2::3',
      'gggg::1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:1.2.3.4',
      ' 1.2.3.4',
      '1.2.3.4\n',
      'redis-a',
      '',
    ];
    for (const s of samples) expect(isIpAddress(s), JSON.stringify(s)).toBe(isIP(s) !== 0);
  });
});

describe('isAddress', () => {
  it('takes host names and addresses, and refuses a mistyped dotted address as a host name', () => {
    expect(['10.77.0.3', 'redis-a', 'db.xizang.example.', '::1'].map(isAddress)).toEqual([true, true, true, true]);
    expect(['10.77.0.300', '1.2', '-bad', 'a_b', ''].map(isAddress)).toEqual([false, false, false, false, false]);
  });
});
