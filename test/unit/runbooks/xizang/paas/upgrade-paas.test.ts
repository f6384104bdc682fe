import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import { toSite, type Site } from '../../../../../src/core/sites/site.ts';
import { evaluate, labXizang, registry } from '../xizang-fixture.ts';

let site: Site;
let plan: Plan;
const upload = (p: Plan) => p.steps.find((s) => s.id === 'a02-upload');
beforeAll(async () => {
  site = await labXizang();
  plan = registry.buildPlan('upgrade-paas', site, {});
});

describe('upgrade-paas plan', () => {
  it('inspects, uploads, backs up, unpacks, has the apps configured, restarts, checks the health URLs, verifies', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'a00-site-check',
      'a01-inspect',
      'a02-upload',
      'a03-backup',
      'a04-install',
      'a05-configure-apps',
      'a06-restart-apps',
      'a07-app-health',
      'a08-verify',
    ]);
    expect(upload(plan)?.targets).toMatchObject({ hosts: ['paas-1', 'paas-2'], group: 'paas' });
  });

  it('uploads every package of the site file with its sha256 through the upload program, never a shell command', () => {
    const up = upload(plan);
    expect(up?.commands).toEqual([]);
    expect(up?.program?.args).toMatchObject({
      packages: expect.arrayContaining([
        expect.objectContaining({
          name: 'springboot',
          staged: '/var/lib/opsgate/paas-upload/springboot_2.0.x.zip',
          sha256: '402eee112b5b9791ff2d5a4ebef314f2e127c6c84463140332fb4e41ca3756ef',
        }),
      ]),
    });
  });

  it("unzips SpringBoot into its directory and chowns it app:app (the seed's app.app)", () => {
    const cmd = plan.steps.find((s) => s.id === 'a04-install')?.commands[0]?.command ?? '';
    expect(cmd).toContain('unzip -qo /var/lib/opsgate/paas-upload/springboot_2.0.x.zip -d /app/soft/deploy/SPRINGBOOT');
    expect(cmd).toContain('chown -R app:app -- /app/soft/deploy/SPRINGBOOT');
  });

  it('backs up every directory first, guarded by "backup absent", and its rollback restores and restarts', () => {
    const b = plan.steps.find((s) => s.id === 'a03-backup');
    expect(b?.destructive).toBe(true);
    expect(b?.preconditions).toContainEqual({ kind: 'path-absent', path: '/app/soft/deploy/SPRINGBOOT_bak' });
    // The seed's SPRINGBOOT backup: mv aside, then an empty directory; the platform directory keeps bin/ and logs/.
    const cmd = b?.commands[0]?.command ?? '';
    expect(cmd).toContain(
      'mv -T -- /app/soft/deploy/SPRINGBOOT /app/soft/deploy/SPRINGBOOT_bak && mkdir -- /app/soft/deploy/SPRINGBOOT && chown --reference=/app/soft/deploy/SPRINGBOOT_bak',
    );
    expect(cmd).toContain('cp -a -- /app/soft/powercloud /app/soft/powercloud_bak');
    expect(cmd).not.toContain('cp -a -- /app/soft/deploy/SPRINGBOOT');
    expect(b?.preconditions.filter((p) => p.kind === 'free-disk')).toEqual([
      { kind: 'free-disk', path: '/app/soft', minBytes: 256 * 1024 * 1024 },
    ]);
    const rb = b?.kind === 'action' ? b.rollback?.steps[0] : undefined;
    expect(rb?.commands[0]?.command).toContain(
      'rm -rf -- /app/soft/powercloud && mv -T -- /app/soft/powercloud_bak /app/soft/powercloud',
    );
    // Restarted through systemd or the init script, then waited for until the process runs and the port listens.
    expect(rb?.commands[0]?.command).toContain('/etc/init.d/powercloud-gateway stop');
    expect(rb?.commands[0]?.command).toContain('/etc/init.d/powercloud-gateway start');
    expect(rb?.commands[0]?.command).toContain("ss -ltn 'sport = :8080'");
  });

  it('asks every platform application for its health URL on each of its hosts, polling until it answers', () => {
    const h = plan.steps.find((s) => s.id === 'a07-app-health');
    expect(h?.kind).toBe('check');
    expect(h?.commands.map((c) => c.host)).toEqual(['paas-1', 'paas-2']);
    const cmd = h?.commands[0]?.command ?? '';
    for (const port of [8080, 8081, 8082])
      expect(cmd).toContain(`curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:${port}/health`);
    expect(
      evaluate(plan, 'a07-app-health', {
        'paas-1':
          '@@ health powercloud-gateway http://127.0.0.1:8080/health\nHTTP 200\n@@ health powercloud-auth http://127.0.0.1:8081/health\nHTTP 000 after 30 tries\ncurl: (7) Failed to connect to 127.0.0.1 port 8081\n',
      }).map((f) => `${f.status} ${f.title}`),
    ).toEqual([
      'pass powercloud-gateway answers http://127.0.0.1:8080/health',
      'fail powercloud-auth answers http://127.0.0.1:8081/health',
    ]);
  });

  it('handles all four packages of the seed: SpringBoot, pyscript, the platform jars and the yum repo', () => {
    const names = (upload(plan)?.program?.args as { packages: { name: string }[] }).packages.map((p) => p.name);
    expect(names).toEqual(['springboot', 'pyscript', 'platform', 'yum']);
    const install = plan.steps.find((s) => s.id === 'a04-install')?.commands[0]?.command ?? '';
    for (const file of [
      'springboot_2.0.x.zip',
      'pyscript-20231110.tar.gz',
      'powercloud-3.1.6.tar.gz',
      'powercloud-yum-20231110.tar.gz',
    ])
      expect(install).toContain(`/var/lib/opsgate/paas-upload/${file}`);
  });

  it('shows the seed\'s "configure, then restart" as a manual step with each application\'s exact parameters', () => {
    const c = plan.steps.find((s) => s.id === 'a05-configure-apps');
    expect(c?.kind).toBe('manual');
    if (c?.kind !== 'manual') return;
    expect(c.standIn).toBeUndefined();
    expect(c.instructions).toContain('On paas-1, paas-2, make exactly the settings listed for each application');
    expect(c.parameters['powercloud-gateway']).toBe(
      'on paas-1, paas-2 — configure: the site file lists no setting: compare its configuration with the new release notes and keep the site values — restart: service powercloud-gateway (step a06-restart-apps, one host at a time) — check: process "/lib/powercloud-gateway-", port 8080 listening, http://127.0.0.1:8080/health answers 2xx (step a07-app-health)',
    );
  });

  it('lists the settings the site file gives, file by file, key by key', () => {
    const spec = structuredClone(site.spec);
    if (spec?.paas === undefined) throw new Error('no paas');
    const app = spec.paas.applications[0];
    if (app === undefined) throw new Error('no application');
    spec.paas.applications[0] = {
      ...app,
      configure: [
        {
          file: '/app/soft/powercloud/conf/gateway.yml',
          settings: { 'registry.address': 'paas.biz.powercloud.com:8848' },
        },
      ],
    };
    const p = registry.buildPlan('upgrade-paas', toSite(spec), {});
    const c = p.steps.find((s) => s.id === 'a05-configure-apps');
    expect(c?.kind === 'manual' ? c.parameters['powercloud-gateway'] : '').toContain(
      'configure: /app/soft/powercloud/conf/gateway.yml: registry.address=paas.biz.powercloud.com:8848 — restart',
    );
  });

  it("verifies the restart by each application's process and port, not by its init script", () => {
    const r = plan.steps.find((s) => s.id === 'a06-restart-apps');
    expect(r?.verify).toContainEqual({
      kind: 'service',
      name: 'powercloud-gateway',
      state: 'running',
      process: '/lib/powercloud-gateway-',
      port: 8080,
      hosts: ['paas-1'],
    });
  });

  it('plans the production site file with the four packages', async () => {
    const r = await loadSite(new URL('../../../../../sites/xizang.yml', import.meta.url).pathname, {
      env: {},
      checkSecrets: false,
    });
    if (!r.ok) throw new Error('sites/xizang.yml does not load');
    const p = registry.buildPlan('upgrade-paas', toSite(r.value.site), {});
    const names = (upload(p)?.program?.args as { packages: { name: string }[] }).packages.map((x) => x.name);
    expect(names).toEqual(['springboot', 'pyscript', 'platform', 'yum']);
    expect(p.steps.find((s) => s.id === 'a05-configure-apps')?.kind).toBe('manual');
  });

  it('refuses a site file that names no package, saying what to add', () => {
    const spec = structuredClone(site.spec);
    if (spec?.paas === undefined) throw new Error('no paas');
    spec.paas.packages = [];
    expect(() => registry.buildPlan('upgrade-paas', toSite(spec), {})).toThrow(
      'site xizang names no PaaS hosts or packages (paas.groups / paas.packages)',
    );
  });
});
