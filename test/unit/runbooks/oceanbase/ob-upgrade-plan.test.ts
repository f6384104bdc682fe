import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import type { Plan } from '../../../../src/core/plan/step-schema.ts';
import { labWith, labXizang, registry, stepOf } from './ob-fixture-site.ts';
import {
  observerStartCommand,
  observerStopCommand,
  STOP_WAIT_SEC,
} from '../../../../src/runbooks/oceanbase/upgrade/observer-commands.ts';

/** The lab's clusters give no `deploy`: obd's layout, run by admin from /home/admin/oceanbase. */
const DEPLOY = { by: 'obd', user: 'admin', home: '/home/admin/oceanbase' } as const;

async function upgradePlan(cluster = 'obcluster', toVersion = '4.3.5.5'): Promise<Plan> {
  return registry.buildPlan('ob-upgrade', await labXizang(), { cluster, toVersion });
}

describe('ob-upgrade plan', () => {
  it('refuses a two-zone cluster with the reason, before anything runs', async () => {
    const site = await labXizang();
    expect(() => registry.buildPlan('ob-upgrade', site, { cluster: 'obsmall', toVersion: '4.3.5.5' })).toThrowError(
      /OceanBase cluster obsmall refused: it has 2 zone\(s\) \(zone1, zone2\).*at least 3.*never stops the whole cluster/,
    );
  });

  it('refuses a cluster the site file does not have, naming the ones it has', async () => {
    const site = await labXizang();
    expect(() => registry.buildPlan('ob-upgrade', site, { cluster: 'nope', toVersion: '4.3.5.5' })).toThrowError(
      /no OceanBase cluster nope \(known: obcluster, obsmall\)/,
    );
  });

  it('refuses a target version that is not a.b.c.d', async () => {
    const site = await labXizang();
    expect(() =>
      registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: "4.3'; drop" }),
    ).toThrowError(/toVersion: a version of the form a\.b\.c\.d/);
  });

  it('checks the cluster against the site file and the precheck first, stages the packages before any zone, then goes zone by zone in site-file order', async () => {
    const ids = (await upgradePlan()).steps.map((s) => s.id);
    expect(ids.slice(0, 2)).toEqual(['cluster-topology', 'precheck-fresh']);
    expect(ids.indexOf('stage-packages')).toBeLessThan(ids.indexOf('zone1-stop-zone'));
    const zoneOrder = ['zone1', 'zone2', 'zone3'].map((z) => [
      ids.indexOf(`${z}-stop-zone`),
      ids.indexOf(`${z}-wait-active`),
    ]);
    expect(zoneOrder[0]![1]).toBeLessThan(zoneOrder[1]![0]!);
    expect(zoneOrder[1]![1]).toBeLessThan(zoneOrder[2]![0]!);
    expect(ids.slice(ids.indexOf('zone1-health'), ids.indexOf('zone1-probe-report') + 1)).toEqual([
      'zone1-health',
      'zone1-stop-zone',
      'zone1-wait-inactive',
      'zone1-stop-observer',
      'zone1-install',
      'zone1-start-observer',
      'zone1-wait-upgraded',
      'zone1-zone-health',
      'zone1-start-zone',
      'zone1-wait-active',
      'zone1-probe-report',
    ]);
    expect(ids.indexOf('restore-offline-time')).toBeGreaterThan(ids.indexOf('end-upgrade'));
    expect(ids.slice(-2)).toEqual(['final-verification', 'final-upgrade-events']);
  });

  it('gates STOP ZONE and marks it irreversible with the reason; gates the observer stop with a restart as its rollback', async () => {
    const plan = await upgradePlan();
    const stop = stepOf(plan, 'zone2-stop-zone');
    expect(stop.kind === 'action' && stop.destructive && stop.gate !== undefined).toBe(true);
    expect(stop.sql).toEqual(["alter system stop zone 'zone2'"]);
    expect(stop.kind === 'action' ? stop.irreversible?.reason : '').toMatch(/leaders move|moves its leaders away/);
    const obs = stepOf(plan, 'zone2-stop-observer');
    expect(obs.destructive && obs.gate !== undefined).toBe(true);
    expect(obs.commands).toEqual([
      { host: 'ob-2', command: observerStopCommand(DEPLOY), timeoutMs: (STOP_WAIT_SEC + 30) * 1000 },
    ]);
    expect(obs.kind === 'action' ? obs.rollback?.steps[0]?.commands[0]?.command : '').toBe(
      observerStartCommand(DEPLOY),
    );
  });

  it('installs the staged libs and server package in one rpm transaction on the zone only, verified with rpm -q', async () => {
    const plan = await upgradePlan();
    const install = stepOf(plan, 'zone3-install');
    expect(install.commands).toEqual([
      {
        host: 'ob-3',
        command:
          "if rpm -q --quiet oceanbase-ce-libs-4.3.5.5 && rpm -q --quiet oceanbase-ce-4.3.5.5; then echo 'oceanbase-ce-libs-4.3.5.5 and oceanbase-ce-4.3.5.5 are already installed'; else rpm -Uvh /tmp/opsgate-ob/oceanbase-ce-libs-4.3.5.5.rpm /tmp/opsgate-ob/oceanbase-ce-4.3.5.5.rpm; fi",
      },
    ]);
    expect(install.verify[0]).toMatchObject({
      kind: 'output-matches',
      command: 'rpm -q oceanbase-ce',
      pattern: '^oceanbase-ce-4\\.3\\.5\\.5',
    });
  });

  it('waits for the servers, the new version in the zone, clog sync and schema with timeouts scaled by tenants', async () => {
    const wait = stepOf(await upgradePlan(), 'zone1-wait-upgraded');
    const polls = (wait.program?.args['polls'] ?? []) as { id: string; timeout: { kind: string } }[];
    expect(polls.map((p) => p.id)).toEqual(['servers-serving', 'zone-version', 'clog-in-sync', 'schema-refreshed']);
    expect(polls.filter((p) => p.timeout.kind === 'per-tenant').map((p) => p.id)).toEqual([
      'servers-serving',
      'clog-in-sync',
      'schema-refreshed',
    ]);
    expect(String(wait.program?.args['onTimeout'])).toMatch(/Zone zone1 is stopped \(INACTIVE\).*Decide:/);
  });

  it('runs no program on a destructive step, so every gate shows exact commands', async () => {
    const plan = await upgradePlan();
    expect(plan.steps.filter((s) => s.destructive && s.program !== undefined)).toEqual([]);
    expect(plan.steps.filter((s) => s.destructive).map((s) => s.id)).toEqual([
      'zone1-stop-zone',
      'zone1-stop-observer',
      'zone2-stop-zone',
      'zone2-stop-observer',
      'zone3-stop-zone',
      'zone3-stop-observer',
    ]);
  });

  it('takes the precheck validity from the site file', async () => {
    const site = await labWith('obcluster', (ob) => ({ upgrade: { ...ob.upgrade, precheckValidFor: '30m' } }));
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const fresh = stepOf(plan, 'precheck-fresh');
    expect(fresh.kind === 'check' ? fresh.evaluatorArgs : {}).toMatchObject({ maxAgeSec: 1800, validFor: '30m' });
  });

  it('leaves the business probe out when the site file names no business tenant', async () => {
    const site = await labWith('obcluster', () => ({ probeTenant: undefined }));
    const ids = registry
      .buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' })
      .steps.map((s) => s.id);
    expect(ids.filter((id) => id.includes('probe'))).toEqual([]);
  });

  it('shows every program with its arguments in the dry run', async () => {
    const text = renderPlan(await upgradePlan());
    expect(text).toContain('program: ob.wait');
    expect(text).toContain("sql: alter system stop zone 'zone1'");
  });
});
