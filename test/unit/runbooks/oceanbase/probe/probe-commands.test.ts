import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../../src/core/engine/render-plan.ts';
import type { HostCommand, Plan } from '../../../../../src/core/plan/step-schema.ts';
import { secretRefAt } from '../../../../../src/core/sites/secret-at.ts';
import { labXizang, registry, stepOf } from '../ob-fixture-site.ts';

async function upgradePlan(): Promise<Plan> {
  return registry.buildPlan('ob-upgrade', await labXizang(), { cluster: 'obcluster', toVersion: '4.3.5.5' });
}

function onlyCommand(plan: Plan, id: string): HostCommand {
  const step = stepOf(plan, id);
  expect(step.commands).toHaveLength(1);
  return step.commands[0]!;
}

describe('business probe commands', () => {
  it("names the site file's probe tenant password as the start command's stdin secret, and the plan shows only the name", async () => {
    const site = await labXizang();
    const plan = await upgradePlan();
    const start = onlyCommand(plan, 'probe-start');
    expect(start.host).toBe('ob-1');
    expect(start.stdin).toEqual({ secrets: ['oceanbase[obcluster].probeTenant.password'] });
    // The name is the path the worker resolves: the probe tenant's own reference in the site file.
    const ob = site.spec?.oceanbase.find((o) => o.name === 'obcluster');
    expect(secretRefAt(site.spec, 'oceanbase[obcluster].probeTenant.password')).toEqual(ob?.probeTenant?.password);
    const dry = renderPlan(plan);
    expect(dry).toContain('[stdin: <secret: oceanbase[obcluster].probeTenant.password>]');
    expect(dry).not.toContain('/etc/opsgate');
  });

  it('reads the password from stdin first, keeps it off every command line, and writes it only inside the probe directory', async () => {
    const { command } = onlyCommand(await upgradePlan(), 'probe-start');
    expect(command.split('\n')[0]).toBe('IFS= read -r OPSGATE_SECRET_1; exec </dev/null');
    expect(command).not.toMatch(/\s-p\S|--password|OPSGATE_SECRET_1=|export /);
    expect(command).toContain("nohup bash -c 'set -u\nIFS= read -r pw; exec </dev/null");
    expect(command).toContain('--defaults-extra-file="$f"');
    expect(command).toContain('f="$d/client-$$.cnf"');
    expect(command).toMatch(
      /umask 077\nmkdir -p \/var\/tmp\/opsgate-ob-probe-obcluster\n.*\[ -L \/var\/tmp\/opsgate-ob-probe-obcluster \].*\nchmod 700 /,
    );
  });

  it('removes the option file and drops the probe table when the probe stops, whether by probe-stop or by the rollback of probe-start', async () => {
    const plan = await upgradePlan();
    const stop = onlyCommand(plan, 'probe-stop');
    expect(stop.command).toContain('rm -f /var/tmp/opsgate-ob-probe-obcluster/client-*.cnf');
    expect(stop.command).toContain("-e 'drop table if exists opsgate_probe'");
    // The drop logs in as the probe does: the password on stdin, never on a command line.
    expect(stop.stdin).toEqual({ secrets: ['oceanbase[obcluster].probeTenant.password'] });
    expect(stop.command.split('\n')[0]).toBe('IFS= read -r OPSGATE_SECRET_1; exec </dev/null');
    expect(stop.command).not.toMatch(/\s-p\S|--password|OPSGATE_SECRET_1=|export /);
    const start = stepOf(plan, 'probe-start');
    expect(start.kind === 'check' ? undefined : start.rollback?.steps.map((s) => [s.id, s.commands])).toEqual([
      ['probe-start-undo', [stop]],
    ]);
  });

  it('ends the probe when the run is aborted after probe-start, unless probe-stop ran: the cleanup is the stop command, ungated, shown in the dry run', async () => {
    const plan = await upgradePlan();
    const start = stepOf(plan, 'probe-start');
    const stop = onlyCommand(plan, 'probe-stop');
    const cleanup = start.kind === 'action' ? start.cleanup : undefined;
    expect(cleanup?.endedBy).toEqual(['probe-stop']);
    expect(cleanup?.steps.map((s) => [s.id, s.destructive, s.gate, s.commands])).toEqual([
      ['probe-start-cleanup', false, undefined, [stop]],
    ]);
    const dry = renderPlan(plan);
    expect(dry).toContain(
      '   cleanup on abort (unless probe-stop ran) probe-start-cleanup: Stop the business probe on ob-1, drop its table and remove its password files\n     targets: ob-1, all at once\n     no gate',
    );
  });
});
