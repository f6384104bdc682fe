import { describe, expect, it } from 'vitest';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import { OceanbaseSchema } from '../../../../../src/core/sites/oceanbase-schema.ts';
import {
  observerStartCommand,
  observerStopCommand,
} from '../../../../../src/runbooks/oceanbase/upgrade/observer-commands.ts';
import { beforeAdm, lineWith, memoryDeps, SITE_FILE, SITE_YAML } from '../../../core/sites/site-fixture.ts';
import { labWith, registry, stepOf } from '../ob-fixture-site.ts';

/** A site file with one OceanBase cluster whose lines `extra` are added (e.g. a `deploy:` line). */
function siteWithCluster(extra: readonly string[]): string {
  return beforeAdm(SITE_YAML, [
    'oceanbase:',
    '  - name: obc',
    '    sys: { address: 10.0.0.50, password: { env: TEST_REDIS_PASSWORD } }',
    '    zones: [{ name: zone1, hosts: [app-1] }]',
    ...extra.map((l) => `    ${l}`),
  ]);
}

async function problems(text: string): Promise<string[]> {
  const r = await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: text }));
  return r.ok ? [] : r.error.map((p) => `${p.line} ${p.path}: ${p.message}`);
}

const base = {
  name: 'obc',
  sys: { address: '10.0.0.50', password: { env: 'X' } },
  zones: [{ name: 'z', hosts: ['h'] }],
};

describe('the site file says how a cluster is deployed', () => {
  it('reads an older cluster without deploy as obd, run by admin from its home', () => {
    expect(OceanbaseSchema.parse(base).deploy).toEqual({ by: 'obd', user: 'admin', home: '/home/admin/oceanbase' });
    const ob = OceanbaseSchema.parse({ ...base, home: '/data/ob' });
    expect([ob.home, ob.deploy]).toEqual(['/data/ob', { by: 'obd', user: 'admin', home: '/data/ob' }]);
  });

  it('takes deploy.home as the home every step uses', () => {
    const ob = OceanbaseSchema.parse({ ...base, deploy: { by: 'rpm', user: 'obadm', home: '/data/ob' } });
    expect([ob.home, ob.deploy]).toEqual(['/data/ob', { by: 'rpm', user: 'obadm', home: '/data/ob' }]);
  });

  it('refuses an unknown deployer, a bad user and the home given twice, at their lines', async () => {
    const text = siteWithCluster(['home: /home/admin/oceanbase', 'deploy: { by: ansible, user: "ad min", home: /x }']);
    const at = lineWith(text, 'deploy:');
    expect(await problems(text)).toEqual([
      `${at} oceanbase[0].deploy.by: give one of obd, rpm, ocp`,
      `${at} oceanbase[0].deploy.user: not a login name`,
    ]);
    const twice = siteWithCluster(['home: /home/admin/oceanbase', 'deploy: { by: obd, home: /x }']);
    expect(await problems(twice)).toEqual([
      `${lineWith(twice, 'deploy:')} oceanbase[0].deploy.home: the observer home is given twice (home and deploy.home): keep deploy.home only`,
    ]);
  });
});

describe('the rolling upgrade follows the layout', () => {
  it('refuses an OCP-managed cluster before anything runs, saying to run it in OCP and where the precheck is', async () => {
    const site = await labWith('obcluster', () => ({
      deploy: { by: 'ocp', user: 'admin', home: '/home/admin/oceanbase' },
    }));
    expect(() => registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' })).toThrowError(
      /obcluster refused: it is managed by OCP \(site file: deploy\.by = ocp\), and opsgate does not act behind OCP's back\. Run the rolling upgrade in OCP\. .*"\/precheck xizang ob obcluster"/,
    );
  });

  it('refuses a home the packages do not install into', async () => {
    const site = await labWith('obcluster', () => ({
      home: '/data/ob',
      deploy: { by: 'obd', user: 'admin', home: '/data/ob' },
    }));
    expect(() => registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' })).toThrowError(
      /observers run from \/data\/ob \(deploy\.home\), but the oceanbase-ce packages install under \/home\/admin\/oceanbase/,
    );
  });

  it('stops and starts the observer as the deploy user from its home, needing the persisted parameters', async () => {
    const site = await labWith('obcluster', () => ({
      deploy: { by: 'rpm', user: 'obadm', home: '/home/admin/oceanbase' },
    }));
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const start = stepOf(plan, 'zone1-start-observer');
    expect(start.title).toBe('Start the upgraded observer on zone zone1 (ob-1), as obadm from /home/admin/oceanbase');
    expect(start.preconditions).toContainEqual({
      kind: 'path-exists',
      path: '/home/admin/oceanbase/etc/observer.config.bin',
    });
    expect(start.commands[0]?.command).toMatch(/^h=\/home\/admin\/oceanbase; u=obadm;/);
    expect(start.commands[0]?.command).toMatch(
      /runuser -u "\$u" -- env LD_LIBRARY_PATH="\$h\/lib:" "\$h\/bin\/observer"/,
    );
    expect(stepOf(plan, 'zone1-stop-observer').commands[0]?.command).toMatch(/kill -TERM "\$p"/);
    expect(JSON.stringify(plan)).not.toMatch(/init\.d/);
  });

  it('quotes the home and the user into the commands', () => {
    const d = { by: 'obd', user: 'admin', home: "/data/o'b $(x)" } as const;
    for (const cmd of [observerStopCommand(d), observerStartCommand(d)])
      expect(cmd.startsWith(`h='/data/o'\\''b $(x)'; u=admin;`)).toBe(true);
  });
});
