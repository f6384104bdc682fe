import { describe, expect, it } from 'vitest';
import { isAddress } from '../../../../src/core/sites/is-address.ts';
import { parseDuration } from '../../../../src/core/sites/parse-duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'm', '30 m', '1.5h', '0m', '-5m', '30min'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('isAddress', () => {
  it.each(['10.77.0.11', '::1', 'fe80::1', 'redis-a', 'db.biz.powercloud.com'])('accepts %s', (a) => {
    expect(isAddress(a)).toBe(true);
  });

  it.each(['10.77.0.300', '1.2', '', 'has space', '-lead.example.com', 'a_b.example.com', 'x;rm -rf /'])(
    'refuses %j',
    (a) => {
      expect(isAddress(a)).toBe(false);
    },
  );
});
