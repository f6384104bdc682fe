import { describe, expect, it } from 'vitest';
import type { LocatedDifference } from '../../../../src/core/sites/site-difference.ts';
import { CHECK_EXIT, reportSiteCheck } from '../../../../src/wiring/sites-check/check-site.ts';

const drift: LocatedDifference = {
  file: 'sites/xizang.yml',
  line: 41,
  path: ['middleware', 'redis', 0, 'port'],
  says: 'business-redis listens on port 6380 on redis-a',
  has: 'nothing listening on port 6380 on redis-a',
  evidence: "ss -ltnp 'sport = :6380'",
};
const base = { hosts: 18, instances: 6 };

describe('reportSiteCheck', () => {
  it('exits 0 with only the count line when the site is as its file says', () => {
    const r = reportSiteCheck({ ...base, differences: [], unreachable: [] }, 'xizang', 3800);
    expect(r).toEqual({
      code: CHECK_EXIT.ok,
      lines: ['sites check xizang: 0 difference(s), 0 unreadable; 18 host(s), 6 instance(s) in 3.8s'],
    });
  });

  it('prints each difference as FILE:LINE path: says; has (evidence) and exits 1', () => {
    const r = reportSiteCheck({ ...base, differences: [drift], unreachable: [] }, 'xizang', 1000);
    expect(r.code).toBe(CHECK_EXIT.drift);
    expect(r.lines[0]).toBe(
      "sites/xizang.yml:41 middleware.redis[0].port: the site file says business-redis listens on port 6380 on redis-a; the site has nothing listening on port 6380 on redis-a (ss -ltnp 'sport = :6380')",
    );
  });

  it('exits 2 when a host cannot be read, naming it and the cause, even with drift elsewhere', () => {
    const r = reportSiteCheck(
      { ...base, differences: [drift], unreachable: [{ what: 'host dns-1 (10.77.0.53)', cause: 'Timed out' }] },
      'xizang',
      1000,
    );
    expect(r.code).toBe(CHECK_EXIT.unreachable);
    expect(r.lines).toContain('cannot read host dns-1 (10.77.0.53): Timed out');
  });
});
