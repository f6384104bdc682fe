import { beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../../../src/core/sites/site.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { toSite } from '../../../../../src/core/sites/site.ts';
import { allCommandText, evaluate, labXizang, registry } from '../xizang-fixture.ts';

let site: Site;
let plan: Plan;
beforeAll(async () => {
  site = await labXizang();
  plan = registry.buildPlan('precheck', site, {});
});

describe('precheck plan', () => {
  it('has the 11 items and the resources document, all read-only advisory checks', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'p01-site-check',
      'p01-access',
      'p02-versions',
      'p03-csb-redis',
      'p04-node-counts',
      'p05-adm-deployed',
      'p06-adm-names',
      'p07-adm-instances',
      'p08-centre-a',
      'p09-dns-records',
      'p10-business-config',
      'p11-service-addresses',
      'p12-resources',
    ]);
    for (const s of plan.steps) {
      expect(s.kind).toBe('check');
      expect(s.destructive).toBe(false);
      expect(s.kind === 'check' && s.advisory).toBe(true);
    }
  });

  it('reads Redis passwords on the host into REDISCLI_AUTH, never on a command line', () => {
    const text = allCommandText(plan);
    expect(text).toContain('REDISCLI_AUTH="$(awk -v want=requirepass -v conf=/etc/redis/redis.conf');
    expect(text).not.toMatch(/redis-cli[^\n]* -a /);
    expect(text).not.toContain('CONFIG GET');
  });

  it('refuses a site file without PaaS hosts, saying what to add', () => {
    const spec = structuredClone(site.spec);
    if (spec === undefined) throw new Error('no spec');
    delete spec.paas;
    expect(() => registry.buildPlan('precheck', toSite(spec), {})).toThrow(
      'site xizang has no paas section with hosts: add paas.groups or paas.hosts to the site file',
    );
  });

  it('asks the DNS server for every record the site expects, by real queries', () => {
    const dig = plan.steps.find((s) => s.id === 'p09-dns-records');
    expect(dig?.commands[0]?.command).toContain('dig +short +norecurse');
    expect(dig?.commands[0]?.command).toContain('csb-redis.biz.powercloud.com.');
  });
});

// Items 3, 4 and 8: live-state.test.ts.
describe('precheck evaluators find what the seed found at Xizang', () => {
  it('lists each DNS difference with what ADM generated', () => {
    const f = evaluate(plan, 'p09-dns-records', {
      'dns-1': '@@ dig dns-1\ncsb-redis.biz.powercloud.com. 10.77.0.24 \nredis.biz.powercloud.com. 10.77.0.100 \n',
    });
    expect(f.map((x) => x.evidence)).toContain('csb-redis.biz.powercloud.com. → 10.77.0.24, ADM generated 10.77.0.23');
    expect(f.map((x) => x.evidence)).toContain(
      'fdfs-tracker-3.biz.powercloud.com. → no record, ADM generated 10.77.0.43',
    );
    expect(f.some((x) => x.evidence.startsWith('redis.'))).toBe(false);
  });
});
