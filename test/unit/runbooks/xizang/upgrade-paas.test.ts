import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../src/engine/step-schema.ts';
import { labXizang, registry } from './xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-paas', await labXizang(), {});
});

describe('upgrade-paas plan', () => {
  it('inspects, uploads, backs up, unpacks, restarts and verifies on the paas group', () => {
    expect(plan.steps.map((s) => s.id)).toEqual(['a01-inspect', 'a02-upload', 'a03-backup', 'a04-install', 'a05-restart-apps', 'a06-verify']);
    expect(plan.steps[1]?.targets).toMatchObject({ hosts: ['paas-1', 'paas-2'], group: 'paas' });
  });

  it('uploads every package of the site file with its sha256 through the upload program, never a shell command', () => {
    const up = plan.steps[1];
    expect(up?.commands).toEqual([]);
    expect(up?.program?.args).toMatchObject({
      packages: expect.arrayContaining([
        expect.objectContaining({ name: 'springboot', staged: '/var/lib/opsgate/paas-upload/springboot_2.0.x.zip', sha256: '113e8cfc07ffcdc8d18a7159ff242e58d0e33654587601aeba5f905c3a143abf' }),
      ]),
    });
  });

  it('unzips SpringBoot into its directory and chowns it app:app (the seed\'s app.app)', () => {
    const cmd = plan.steps.find((s) => s.id === 'a04-install')?.commands[0]?.command ?? '';
    expect(cmd).toContain('unzip -qo /var/lib/opsgate/paas-upload/springboot_2.0.x.zip -d /app/soft/deploy/SPRINGBOOT');
    expect(cmd).toContain('chown -R app:app -- /app/soft/deploy/SPRINGBOOT');
  });

  it('backs up every directory first, guarded by "backup absent", and its rollback restores and restarts', () => {
    const b = plan.steps.find((s) => s.id === 'a03-backup');
    expect(b?.destructive).toBe(true);
    expect(b?.preconditions).toContainEqual({ kind: 'path-absent', path: '/app/soft/deploy/SPRINGBOOT_bak' });
    const rb = b?.kind === 'action' ? b.rollback?.steps[0] : undefined;
    expect(rb?.commands[0]?.command).toContain('rm -rf -- /app/soft/powercloud && mv -T -- /app/soft/powercloud_bak /app/soft/powercloud');
    expect(rb?.commands[0]?.command).toContain('service powercloud-gateway restart');
  });
});
