import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existing, onHost } from './lab-state.ts';
import { findingsOf, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang paas';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';
const versions = (host: string) =>
  onHost(
    host,
    'head -n1 /app/soft/powercloud/VERSION /app/soft/pyscript/VERSION /app/soft/deploy/SPRINGBOOT/version /app/soft/yum/repo/VERSION | grep -v "^==>" | grep . | tr "\\n" " "',
  );

describe('/upgrade xizang paas in the site lab', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await cli.close();
  });

  it('rolls back after a rejection before the restart: the June 2021 release back, owned by app, apps running', async () => {
    const before = await versions('paas-1');
    expect(before).toBe('version=3.1.5 20210618 2.0.3 20210615 ');
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'a05-restart-apps');
    expect(r.code).toBe(1);
    expect(await versions('paas-2')).toBe('version=3.1.6 20231110 2.0.8 20231110 ');
    expect(await onHost('paas-2', 'stat -c %U:%G /app/soft/deploy/SPRINGBOOT/stop.sh')).toBe('app:app\n');
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    for (const host of ['paas-1', 'paas-2']) {
      expect(await versions(host)).toBe(before);
      expect(await existing(host, ['/app/soft/powercloud_bak', '/app/soft/deploy/SPRINGBOOT_bak'])).toEqual([]);
      expect(await onHost(host, 'ls /app/soft/powercloud/lib')).toContain('powercloud-gateway-3.1.5.jar');
    }
  });

  it('updates every package, restarts the platform applications, checks their health URLs and verifies 3.1.6 everywhere', async () => {
    // A file only the old SpringBoot scripts have: the seed's mv + mkdir backup leaves no stale file behind.
    await onHost('paas-1', 'touch /app/soft/deploy/SPRINGBOOT/old-only.sh');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    expect(
      await existing('paas-1', [
        '/app/soft/deploy/SPRINGBOOT/old-only.sh',
        '/app/soft/deploy/SPRINGBOOT_bak/old-only.sh',
        '/app/soft/powercloud/bin/powercloud-gateway',
      ]),
    ).toEqual(['/app/soft/deploy/SPRINGBOOT_bak/old-only.sh', '/app/soft/powercloud/bin/powercloud-gateway']);
    const health = findingsOf(r.events).filter((f) => f.step === 'a06-app-health');
    expect(health.map((f) => `${f.host ?? ''} ${f.status} ${f.title}`).sort()).toEqual(
      ['paas-1', 'paas-2'].flatMap((h) =>
        [
          ['auth', 8081],
          ['console', 8082],
          ['gateway', 8080],
        ].map(([app, port]) => `${h} pass powercloud-${app} answers http://127.0.0.1:${port}/health`),
      ),
    );
    const uploads = findingsOf(r.events).filter((f) => f.step === 'a02-upload');
    expect(uploads).toHaveLength(8);
    expect(uploads.every((f) => f.status === 'pass' && /sha256 [0-9a-f]{64} verified/.test(f.evidence))).toBe(true);
    expect(
      findingsOf(r.events)
        .filter((f) => f.step === 'a07-verify')
        .every((f) => f.status === 'pass'),
    ).toBe(true);
    expect(await onHost('paas-1', 'ls /app/soft/powercloud/lib')).not.toContain('3.1.5');
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(await versions('paas-1')).toBe('version=3.1.5 20210618 2.0.3 20210615 ');
    expect(await existing('paas-1', ['/app/soft/deploy/SPRINGBOOT/old-only.sh'])).toEqual([
      '/app/soft/deploy/SPRINGBOOT/old-only.sh',
    ]);
    await onHost('paas-1', 'rm -f /app/soft/deploy/SPRINGBOOT/old-only.sh');
  });
});
