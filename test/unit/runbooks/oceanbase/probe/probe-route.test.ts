import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { OceanbaseSchema } from '../../../../../src/core/sites/oceanbase-schema.ts';
import { labWith, labXizang, registry, stepOf } from '../ob-fixture-site.ts';

const build = (site: Awaited<ReturnType<typeof labXizang>>): Plan =>
  registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });

/** The endpoint the probe's start command writes for its first request. */
function startEndpoint(plan: Plan): string | undefined {
  const cmd = stepOf(plan, 'probe-start').commands[0]?.command ?? '';
  return /printf '%s\\n' '([^']+)' > \/var\/tmp\/opsgate-ob-probe-obcluster\/endpoint/.exec(cmd)?.[1];
}

const ids = (plan: Plan) => plan.steps.map((s) => s.id);

describe('where the business probe connects', () => {
  it('goes through ODP when the site file names one, for the whole run, as the business does', async () => {
    const plan = build(await labWith('obcluster', () => ({ odp: { address: '10.77.0.90', port: 2883 } })));
    expect(startEndpoint(plan)).toBe('10.77.0.90 2883');
    expect(stepOf(plan, 'probe-start').title).toContain('through ODP: 10.77.0.90:2883');
    expect(ids(plan).filter((id) => id.endsWith('probe-route'))).toEqual([]);
    // The stop drops the table through ODP too, and nowhere else.
    expect(stepOf(plan, 'probe-stop').commands[0]?.command).toContain(`for e in "$last" '10.77.0.90 2883'; do`);
  });

  it("takes ODP's address from the host the site file names", async () => {
    const plan = build(await labWith('obcluster', () => ({ odp: { host: 'dns-1', port: 2883 } })));
    expect(startEndpoint(plan)).toBe('10.77.0.53 2883');
  });

  it("reads ODP's port as obproxy's listen_port, 2883 unless given, and wants exactly one of host or address", () => {
    const base = {
      name: 'c',
      sys: { address: '10.0.0.1', password: { file: 'p' } },
      zones: [{ name: 'z1', hosts: ['h1'] }],
    };
    const parsed = OceanbaseSchema.safeParse({ ...base, odp: { address: '10.0.0.9' } });
    expect(parsed.success && parsed.data.odp).toEqual({ address: '10.0.0.9', port: 2883 });
    const both = OceanbaseSchema.safeParse({ ...base, odp: { address: '10.0.0.9', host: 'h1' } });
    expect(both.success).toBe(false);
    expect(JSON.stringify(both.error?.issues)).toContain('give exactly one of host (a host of this file) or address');
  });

  it('without ODP, goes to the sys endpoint when it is no observer of the cluster (the lab: the simulator)', async () => {
    const plan = build(await labXizang());
    expect(startEndpoint(plan)).toBe('10.77.0.1 2881');
    expect(ids(plan).filter((id) => id.endsWith('probe-route'))).toEqual([]);
  });

  it('without ODP, moves off the zone being upgraded when the sys endpoint is one of its observers', async () => {
    const plan = build(await labWith('obcluster', (ob) => ({ sys: { ...ob.sys, host: 'ob-1', address: undefined } })));
    // zone1 (ob-1) goes first: the probe starts on zone2's observer ...
    expect(startEndpoint(plan)).toBe('10.77.0.62 2881');
    // ... and comes back to ob-1 (upgraded by then) before zone2 stops; zone3 keeps it.
    expect(ids(plan).filter((id) => id.endsWith('probe-route'))).toEqual(['zone2-probe-route']);
    const all = ids(plan);
    expect(all.indexOf('zone2-probe-route')).toBe(all.indexOf('zone1-probe-report') + 1);
    expect(all.indexOf('zone2-probe-route')).toBeLessThan(all.indexOf('zone2-stop-zone'));
    expect(stepOf(plan, 'zone2-probe-route').commands[0]?.command).toContain(
      "printf '%s\\n' '10.77.0.61 2881' > /var/tmp/opsgate-ob-probe-obcluster/endpoint.new",
    );
  });
});
