import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { evaluate, labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-paas', await labXizang(), {});
});

describe('upgrade-paas plan', () => {
  it('inspects, uploads, backs up, unpacks, restarts, checks the health URLs and verifies on the paas group', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'a01-inspect',
      'a02-upload',
      'a03-backup',
      'a04-install',
      'a05-restart-apps',
      'a06-app-health',
      'a07-verify',
    ]);
    expect(plan.steps[1]?.targets).toMatchObject({ hosts: ['paas-1', 'paas-2'], group: 'paas' });
  });

  it('uploads every package of the site file with its sha256 through the upload program, never a shell command', () => {
    const up = plan.steps[1];
    expect(up?.commands).toEqual([]);
    expect(up?.program?.args).toMatchObject({
      packages: expect.arrayContaining([
        expect.objectContaining({
          name: 'springboot',
          staged: '/var/lib/opsgate/paas-upload/springboot_2.0.x.zip',
          sha256: '113e8cfc07ffcdc8d18a7159ff242e58d0e33654587601aeba5f905c3a143abf',
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
    expect(rb?.commands[0]?.command).toContain('service powercloud-gateway restart');
  });

  it('asks every platform application for its health URL on each of its hosts, polling until it answers', () => {
    const h = plan.steps.find((s) => s.id === 'a06-app-health');
    expect(h?.kind).toBe('check');
    expect(h?.commands.map((c) => c.host)).toEqual(['paas-1', 'paas-2']);
    const cmd = h?.commands[0]?.command ?? '';
    for (const port of [8080, 8081, 8082])
      expect(cmd).toContain(`curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:${port}/health`);
    expect(
      evaluate(plan, 'a06-app-health', {
        'paas-1':
          '@@ health powercloud-gateway http://127.0.0.1:8080/health\nHTTP 200\n@@ health powercloud-auth http://127.0.0.1:8081/health\nHTTP 000 after 30 tries\ncurl: (7) Failed to connect to 127.0.0.1 port 8081\n',
      }).map((f) => `${f.status} ${f.title}`),
    ).toEqual([
      'pass powercloud-gateway answers http://127.0.0.1:8080/health',
      'fail powercloud-auth answers http://127.0.0.1:8081/health',
    ]);
  });
});
