import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, moveDirState, opsgate, resetMoveDir } from './opsgate-process.ts';

/**
 * Every line of `--json` output as an object; fails the test unless each line is JSON with a string `type`
 * (nothing else may reach stdout).
 */
function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((l) => {
    const parsed = JSON.parse(l) as Record<string, unknown>;
    expect(typeof parsed.type, l).toBe('string');
    return parsed;
  });
}

/** `/upgrade <site> redis` runs the engine's lab runbook that moves fdfs-3:/app/opsgate-test/data aside. */
const UPGRADE = '/upgrade xizang redis';

describe('opsgate run', () => {
  let sitesDir: string;
  let keys: RedisTestKeys;
  const env = () => ({
    REDIS_URL: TEST_REDIS_URL,
    OPSGATE_REDIS_PREFIX: keys.prefix,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
  });
  const run = (line: string, ...args: string[]) => opsgate(['run', line, '--sites', sitesDir, ...args], env());

  beforeAll(() => {
    sitesDir = labSitesDir();
  });
  beforeEach(async () => {
    keys = new RedisTestKeys();
    await resetMoveDir();
  });
  afterEach(async () => {
    await keys.close();
  });

  it('runs the command to completion when an approver approves the destructive step, and exits 0', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    expect(r.stderr).not.toMatch(/refused|opsgate run:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\? gate approval for step move-dir/);
    expect(r.stdout).toMatch(
      /fdfs-3\$ echo move-dir >> \/app\/opsgate-test\/effects\.log && sleep 0 && mv \/app\/opsgate-test\/data \/app\/opsgate-test\/data_bak/,
    );
    expect(r.stdout).toMatch(/may answer: UAPPROVER1\b/);
    expect(r.stdout).toMatch(/gate of move-dir: approve by UAPPROVER1/);
    expect(r.stdout).toMatch(/completed: 4 step\(s\) done/);
    // Compact by default: one line per succeeded step, none of the checks that held.
    expect(r.stdout).toMatch(/^ {2}✔ move-dir Move \S+ to \S+ · fdfs-3 · .* · \d+ check\(s\) held$/m);
    expect(r.stdout).not.toMatch(/▶ step|^\s+ok fdfs-3:/m);
    // Events that show nothing (a step's start, its output before its end) leave no empty line behind.
    expect(r.stdout).not.toMatch(/\n\s*\n/);
    expect(await moveDirState()).toEqual({
      data: false,
      bak: true,
      effects: ['record-start', 'move-dir', 'record-end'],
    });
    // The whole record on demand: /show through the same grammar, and --verbose for a run.
    const runId = /requested as run (run_[0-9a-f]{16})/.exec(r.stdout)?.[1] ?? '';
    const shown = await run(`/show ${runId} move-dir`, '--as', 'UOPERATOR');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^record of ${runId} step move-dir`));
    expect(shown.stdout).toMatch(/^ {4}ok fdfs-3: /m);
    expect(shown.stdout).toMatch(/✔ move-dir succeeded/);
  });

  it('with --verbose prints every step in full', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--verbose');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/▶ step move-dir \(attempt 1\) on fdfs-3/);
    expect(r.stdout).toMatch(/^ {4}ok fdfs-3: /m);
    expect(r.stdout).toMatch(/✔ move-dir succeeded/);
  });

  it('refuses approval by the requester with the policy message, exits 1 and moves nothing', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UOPERATOR');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'approve of step move-dir as UOPERATOR refused: You requested this run; another approver must approve it.',
    );
    expect(r.stdout).toMatch(/waits at step move-dir \(approval gate\)/);
    expect(r.stdout).not.toMatch(/step move-dir \(attempt/);
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: ['record-start'] });
  });

  it('with --reject stops the run at the first destructive gate, exits 1 and moves nothing', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--reject');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/gate of move-dir: reject by UAPPROVER1/);
    expect(r.stdout).toMatch(
      /stopped at move-dir: the run stopped at step move-dir: rejected by UAPPROVER1; nothing after it ran/,
    );
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: ['record-start'] });
  });

  it('with --json prints JSON lines only: the reply, then one engine event per line, ending with the finished run', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--json');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines[0]).toMatchObject({
      type: 'reply',
      kind: 'accepted',
      runId: expect.stringMatching(/^run_/) as unknown,
    });
    const events = lines.slice(1) as unknown as EngineEvent[];
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run.requested');
    expect(types).toContain('gate.opened');
    expect(types).toContain('gate.decided');
    expect(types.filter((t) => t === 'step.finished')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed', site: 'xizang' });
    expect(new Set(lines.map((e) => e.runId)).size).toBe(1);
  });

  it('with --json prints a refused request as a JSON line with its type, and exits 1', async () => {
    const r = await run(UPGRADE, '--as', 'UAPPROVER1', '--json');
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)).toEqual([{ type: 'reply', kind: 'refused', text: expect.any(String) as unknown }]);
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: [] });
  });

  it('with --json prints why the run is left waiting at its gate as a JSON line, and exits 1', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UOPERATOR', '--json');
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.type)).toContain('gate.opened');
    expect(lines.slice(-2)).toEqual([
      expect.objectContaining({ type: 'decision-refused', stepId: 'move-dir', user: 'UOPERATOR', choice: 'approve' }),
      expect.objectContaining({
        type: 'waiting',
        stepId: 'move-dir',
        gateKind: 'approval',
        message: expect.stringMatching(/waits at step move-dir \(approval gate\)/) as unknown,
      }),
    ]);
  });

  it('with --json prints bad usage as a JSON error line, and exits 2', async () => {
    const r = await run('/upgrade nowhere redis', '--as', 'UOPERATOR', '--json');
    expect(r.code).toBe(2);
    expect(jsonLines(r.stdout)).toEqual([
      { type: 'error', exitCode: 2, message: expect.stringMatching(/Unknown site "nowhere"/) as unknown },
    ]);
  });

  it('rolls a completed run back with /rollback, the rollback approved by an approver, and exits 0', async () => {
    const first = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    const runId = /requested as run (run_[0-9a-f]{16})/.exec(first.stdout)?.[1] ?? '';
    expect(first.code).toBe(0);
    const r = await run(
      `/rollback ${runId}`,
      '--as',
      'UOPERATOR',
      '--approve-as',
      'UOPERATOR',
      '--approve-as',
      'UAPPROVER1',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'approve of step restore-dir as UOPERATOR refused: You requested this run; another approver must approve it.',
    );
    expect(r.stdout).toMatch(/gate of restore-dir: approve by UAPPROVER1/);
    expect(r.stdout).toMatch(new RegExp(`■ ${runId} \\(xizang\\) rolled-back: rolled back: move-dir`));
    expect(await moveDirState()).toEqual({
      data: true,
      bak: false,
      effects: ['record-start', 'move-dir', 'record-end', 'restore-dir'],
    });
  });

  it('prints the plan with every command per host for a dry run, runs nothing and exits 0', async () => {
    const r = await run(`${UPGRADE} --dry-run`, '--as', 'UOPERATOR');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dry run: upgrade redis at xizang/);
    expect(r.stdout).toMatch(/on fdfs-3: ls -ld \/app\/opsgate-test\/data/);
    expect(r.stdout).toMatch(/on fdfs-3: echo restore-dir >> /);
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: [] });
  });

  it.each([
    [
      'an unknown site',
      ['/upgrade nowhere redis', '--as', 'UOPERATOR'],
      /Unknown site "nowhere"\. Valid sites: xizang\./,
    ],
    [
      'an unknown phase',
      ['/upgrade xizang mongo', '--as', 'UOPERATOR'],
      /Unknown phase "mongo"\. Valid phases: redis, csb-redis, kafka, fastdfs, paas, ob\./,
    ],
    ['an unknown command', ['/deploy xizang', '--as', 'UOPERATOR'], /Unknown command "\/deploy"/],
    ['a bad user id', [UPGRADE, '--as', 'operator; rm -rf /'], /is not a Slack user id/],
    ['no --as', [UPGRADE], /required option '--as <user>'/],
  ])('exits 2 on bad usage: %s', async (_what, args, message) => {
    const [line = '', ...rest] = args;
    const r = await opsgate(['run', line, '--sites', sitesDir, ...rest], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: [] });
  });

  it('exits 2 naming the problem when the sites directory does not exist', async () => {
    const r = await opsgate(['run', UPGRADE, '--as', 'UOPERATOR', '--sites', '/nonexistent/sites'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/sites/);
  });
});
