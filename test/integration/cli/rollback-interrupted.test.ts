import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkHost } from '../../support/lab.ts';
import {
  redisBackups as bakOn,
  redisOldPaths as oldOn,
  existing,
  redisFingerprint,
  restoreRedisByHand,
} from '../runbooks/lab-state.ts';
import { XizangCli } from '../runbooks/xizang-cli.ts';

describe('/rollback of a redis upgrade paused at an interrupted gate', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await linkHost('redis-b', 'up');
    await cli.close();
  });

  it('answers the interrupted gate Roll back and undoes the phase, leaving the old install and the same data', async () => {
    const before = await redisFingerprint();
    const run = cli.start('/upgrade xizang redis', '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    let out = '';
    try {
      await run.out.waitFor(/"type":"step.finished","stepId":"r04-backup"[^\n]*"status":"succeeded"/, 0, 120_000);
      await linkHost('redis-b', 'down');
      expect(await run.exited).toBe(1);
      out = run.out.text;
    } finally {
      run.child.kill();
      await linkHost('redis-b', 'up');
    }
    try {
      const runId = /"runId":"(run_[0-9a-f]{16})"/.exec(out)?.[1] ?? '';
      expect(out, out.slice(-2000)).toMatch(/"type":"gate.opened"[^\n]*"kind":"interrupted"/);
      const self = await cli.run(`/rollback ${runId}`, '--as', 'UOPERATOR');
      expect(self.code).toBe(1);
      // `run --json` says everything on stdout as JSON lines, refusals included.
      expect(self.stdout).toMatch(/^\{"type":[^\n]*You requested this run/m);
      const rb = await cli.run(
        `/rollback ${runId}`,
        '--as',
        'UAPPROVER1',
        '--approve-as',
        'UAPPROVER1',
        '--approve-as',
        'UAPPROVER2',
      );
      expect(rb.code, rb.stdout.slice(-4000) + rb.stderr).toBe(0);
      // Four eyes on the rollback: the person who chose Roll back may not approve its steps.
      expect(rb.events).toContainEqual(
        expect.objectContaining({
          type: 'decision-refused',
          stepId: 'r05-adm-uninstall',
          choice: 'approve',
          user: 'UAPPROVER1',
          message: expect.stringMatching(/You requested this run/),
        }),
      );
      expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
      for (const host of ['redis-a', 'redis-b']) {
        expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
        expect(await existing(host, bakOn(host))).toEqual([]);
      }
      expect(await redisFingerprint()).toBe(before);
    } finally {
      await restoreRedisByHand();
    }
  }, 300_000);
});
