import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existing, onHost } from './lab-state.ts';
import { explainRun, findingsOf, startedSteps, stoppedAt, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang paas';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';
/**
 * The release on a host as the software tells it: the gateway jar's manifest, pypssh's version, the second line of
 * SpringBoot's stop.sh (it changed in 2.0.8), createrepo's revision of the yum repository.
 */
const versions = (host: string) =>
  onHost(
    host,
    [
      `for j in /app/soft/powercloud/lib/powercloud-gateway-*.jar; do unzip -p "$j" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *//p' | tr -d '\\r'; done`,
      `sed -n "s/^__version__ = '\\(.*\\)'/\\1/p" /app/soft/pyscript/pypssh.py`,
      `sed -n 2p /app/soft/deploy/SPRINGBOOT/stop.sh | cut -c1-40`,
      `sed -n 's:.*<revision>\\(.*\\)</revision>.*:\\1:p' /app/soft/yum/repo/repodata/repomd.xml`,
    ].join('; '),
  ).then((out) => out.trim().split('\n').join(' | '));
const JUNE_2021 = '3.1.5 | 20210618 | # stop a SpringBoot application: stop.sh | 1623715200';
const FINAL_316 = '3.1.6 | 20231110 | # stop a SpringBoot application graceful | 1699574400';

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
    expect(before).toBe(JUNE_2021);
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'a06-restart-apps');
    expect(stoppedAt(r)).toBe('a06-restart-apps');
    expect(r.code).toBe(1);
    expect(await versions('paas-2')).toBe(FINAL_316);
    expect(await onHost('paas-2', 'grep -c "gracefully" /app/soft/deploy/SPRINGBOOT/stop.sh')).toBe('1\n');
    expect(await onHost('paas-2', 'stat -c %U:%G /app/soft/deploy/SPRINGBOOT/stop.sh')).toBe('app:app\n');
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, explainRun(rb)).toBe(0);
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
    expect(r.code, explainRun(r)).toBe(0);
    expect(
      await existing('paas-1', [
        '/app/soft/deploy/SPRINGBOOT/old-only.sh',
        '/app/soft/deploy/SPRINGBOOT_bak/old-only.sh',
        '/app/soft/powercloud/bin/powercloud-gateway',
      ]),
    ).toEqual(['/app/soft/deploy/SPRINGBOOT_bak/old-only.sh', '/app/soft/powercloud/bin/powercloud-gateway']);
    const configure = r.events.find((e) => e.type === 'gate.opened' && e.gate.stepId === 'a05-configure-apps');
    expect(configure?.type === 'gate.opened' ? configure.gate.kind : '').toBe('manual');
    const params = configure?.type === 'gate.opened' ? (configure.context.parameters ?? {}) : {};
    expect(params['powercloud-auth']).toBe(
      'on paas-1, paas-2 — configure: the site file lists no setting: compare its configuration with the new release notes and keep the site values — restart: service powercloud-auth (step a06-restart-apps, one host at a time) — check: process "/lib/powercloud-auth-", port 8081 listening, http://127.0.0.1:8081/health answers 2xx (step a07-app-health)',
    );
    const restarted = r.events.find((e) => e.type === 'step.finished' && e.stepId === 'a06-restart-apps');
    expect(restarted?.type === 'step.finished' ? restarted.status : '').toBe('succeeded');
    const health = findingsOf(r.events).filter((f) => f.step === 'a07-app-health');
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
        .filter((f) => f.step === 'a08-verify')
        .map((f) => `${f.host ?? ''} ${f.status} ${f.title}`),
    ).toEqual(
      ['paas-1', 'paas-2'].flatMap((h) =>
        ['platform', 'pyscript', 'springboot', 'yum'].map((a) => `${h} pass ${a} is the expected release`),
      ),
    );
    expect(await onHost('paas-1', 'ls /app/soft/powercloud/lib')).not.toContain('3.1.5');
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, explainRun(rb)).toBe(0);
    expect(await versions('paas-1')).toBe(JUNE_2021);
    expect(await existing('paas-1', ['/app/soft/deploy/SPRINGBOOT/old-only.sh'])).toEqual([
      '/app/soft/deploy/SPRINGBOOT/old-only.sh',
    ]);
    await onHost('paas-1', 'rm -f /app/soft/deploy/SPRINGBOOT/old-only.sh');
  });

  it('refuses before anything is touched when a backup is already in place, naming host and path', async () => {
    await onHost('paas-2', 'mkdir /app/soft/pyscript_bak');
    for (const host of ['paas-1', 'paas-2']) await onHost(host, 'rm -rf /var/lib/opsgate/paas-upload');
    try {
      const r = await cli.run(UPGRADE, ...AS);
      expect(r.code).toBe(1);
      const first = r.events.find((e) => e.type === 'step.finished' && e.status === 'failed');
      expect(first?.type === 'step.finished' ? `${first.stepId} ${first.status}` : '').toBe('a01-inspect failed');
      expect(r.stdout).toMatch(/paas-2[^\n]*\/app\/soft\/pyscript_bak/);
      expect(startedSteps(r.events)).toEqual(['a00-site-check', 'a01-inspect']);
      for (const host of ['paas-1', 'paas-2']) {
        expect(await versions(host)).toBe(JUNE_2021);
        expect(await existing(host, ['/var/lib/opsgate/paas-upload', '/app/soft/powercloud_bak'])).toEqual([]);
      }
    } finally {
      await onHost('paas-2', 'rmdir /app/soft/pyscript_bak');
    }
  });
});
