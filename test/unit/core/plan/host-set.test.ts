import { describe, expect, it } from 'vitest';
import { foldHosts, hostsWithin } from '../../../../src/core/plan/host-set.ts';

/** The names a folded set stands for, expanded back: the reader's side of the notation. */
function expand(folded: string): string[] {
  if (folded === '') return [];
  return folded.split(', ').flatMap((part) => {
    const m = /^(.*)\[([\d,-]+)\]$/.exec(part);
    if (m === null) return [part];
    const [, prefix = '', list = ''] = m;
    return list.split(',').flatMap((r) => {
      const [from = '', to = from] = r.split('-');
      const width = from.startsWith('0') ? from.length : 0;
      const out: string[] = [];
      for (let n = Number(from); n <= Number(to); n++) out.push(`${prefix}${String(n).padStart(width, '0')}`);
      return out;
    });
  });
}

describe('foldHosts', () => {
  it('folds a site of numbered hosts into ranges, in the order the groups come', () => {
    const paas = Array.from({ length: 189 }, (_, i) => `paas-${i + 1}`);
    expect(foldHosts(['redis-a', 'redis-b', ...paas, 'kafka-3', 'kafka-1', 'kafka-2'])).toBe(
      'redis-a, redis-b, paas-[1-189], kafka-[1-3]',
    );
    expect(foldHosts(['web1', 'web2', 'web3', 'web7', 'web9', 'web10'])).toBe('web[1-3,7,9-10]');
  });

  it('keeps zero padding, and one name alone as it is', () => {
    expect(foldHosts(['node008', 'node009', 'node010', 'node011'])).toBe('node[008-011]');
    expect(foldHosts(['node09', 'node9', 'node10'])).toBe('node09, node[9-10]');
    expect(foldHosts(['obs-1'])).toBe('obs-1');
    expect(foldHosts(['10.0.0.1', '10.0.0.2', '10.0.0.3'])).toBe('10.0.0.[1-3]');
    expect(foldHosts([])).toBe('');
  });

  it('stands for exactly the names given, for any list of names', () => {
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const prefixes = ['paas-', 'node', 'db-1-', 'redis-a', 'x', '9', 'obs.zone1-'];
    for (let round = 0; round < 500; round++) {
      const names = Array.from({ length: next(40) }, () => {
        const prefix = prefixes[next(prefixes.length)] ?? '';
        const digits = String(next(130)).padStart(next(4), '0');
        return next(5) === 0 ? prefix : `${prefix}${digits}`;
      });
      const folded = foldHosts(names);
      expect(new Set(expand(folded)), `${names.join(' ')} → ${folded}`).toEqual(new Set(names));
      expect(expand(folded)).toHaveLength(new Set(names).size);
    }
  });

  it('fits a one-line summary: folded when it fits, else the first groups and how many more', () => {
    const paas = Array.from({ length: 196 }, (_, i) => `paas-${i + 1}`);
    const site = ['redis-a', 'redis-b', ...paas, 'fdfs-x', 'fdfs-y'];
    expect(hostsWithin(site, 80)).toBe('redis-a, redis-b, paas-[1-196], fdfs-x, fdfs-y');
    expect(hostsWithin(site, 30)).toBe('redis-a, redis-b +198 more');
    expect(hostsWithin(site, 10)).toBe('200 hosts');
    expect(hostsWithin([], 10)).toBe('no hosts');
  });
});
