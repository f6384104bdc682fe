import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import {
  probeDir,
  probeStartCommand,
  probeStopCommand,
  type ProbeTarget,
} from '../../../src/runbooks/oceanbase/probe/probe-commands.ts';
import { execOn, getLab } from '../../support/lab.ts';
import { runnerLab, sessionsClosedAfterEach } from '../runners/runner-lab.ts';
import { labSysPassword, resetObLab, startLabSim } from './ob-lab.ts';

/**
 * The business probe's password: the start command gets it on stdin (as the worker writes a stdin secret), the
 * probe's own option file carries it to the mysql client on the probe host, and the stop command removes it.
 * The simulator checks the business tenant's logins against a password of its own (hostile characters
 * included), so a probe that did not pass the value through intact would see every request refused.
 */
const HOST = 'ob-1';
const DIR = probeDir('obcluster');
const business = `pr"ob\\e #${randomBytes(6).toString('hex')} $(id) 'x' & `;
let sim: ObSim;
const open = sessionsClosedAfterEach();

function target(): ProbeTarget {
  return {
    cluster: 'obcluster',
    host: HOST,
    address: `${getLab().net}.1`,
    port: 2881,
    user: 'probe@biz',
    database: 'biz',
  };
}

/** Runs a command on the probe host over SSH, with `stdin`, as the engine runs a step's command. */
async function viaSsh(command: string, stdin?: string) {
  const lab = runnerLab();
  const { session } = open([lab.host(HOST)]);
  if (stdin !== undefined) session.learnSecret(stdin.trim());
  return session.exec(HOST, { command, timeoutMs: 30_000, ...(stdin !== undefined ? { stdin } : {}) });
}

async function onHost(script: string): Promise<string> {
  const r = await execOn(HOST, ['bash', '-c', script]);
  return r.stdout;
}

/** The probe's log lines once it holds at least `n` (a deadline only against a probe that never logs). */
async function logLines(n: number): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    const lines = (await onHost(`cat ${DIR}/log`)).split('\n').filter((l) => l.trim() !== '');
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the probe logged fewer than ${n} requests in 60 s; errors: ${await onHost(`cat ${DIR}/errors`)}`);
}

/** Every command line and environment of the probe host's processes, as text. */
const processText = () =>
  onHost('for p in /proc/[0-9]*; do tr "\\0" "\\n" < $p/cmdline; tr "\\0" "\\n" < $p/environ; done 2>/dev/null');

beforeAll(async () => {
  await resetObLab();
  sim = await startLabSim(undefined, { sys: labSysPassword(), business });
}, 180_000);

afterAll(async () => {
  await execOn(HOST, ['bash', '-c', probeStopCommand(target()).command]);
  await sim?.close();
});

describe('the business probe takes its password from stdin', () => {
  it('logs in with it from an option file only the SSH user can read, the value in no command line or environment', async () => {
    const r = await viaSsh(probeStartCommand(target()).command, `${business}\n`);
    expect(r.exitCode, r.stderr.head).toBe(0);
    const lines = await logLines(5);
    expect(
      lines.every((l) => /^\d+ \d+ 0 /.test(l)),
      `${lines.join('\n')}\n${await onHost(`cat ${DIR}/errors`)}`,
    ).toBe(true);
    const pid = (await onHost(`cat ${DIR}/pid`)).trim();
    expect((await onHost(`stat -c '%a %U %n' ${DIR} ${DIR}/*.cnf`)).trim().split('\n')).toEqual([
      `700 root ${DIR}`,
      `600 root ${DIR}/client-${pid}.cnf`,
    ]);
    expect((await processText()).includes(business.trim()), 'the password in a command line or environment').toBe(
      false,
    );
  }, 120_000);

  it('replaces a probe left running; a wrong password shows as refused requests; stop removes the option file', async () => {
    const before = (await onHost(`cat ${DIR}/pid`)).trim();
    const r = await viaSsh(probeStartCommand(target()).command, 'not-the-password\n');
    expect(r.exitCode, r.stderr.head).toBe(0);
    const pid = (await onHost(`cat ${DIR}/pid`)).trim();
    expect(pid).not.toBe(before);
    const lines = await logLines(3);
    expect(
      lines.every((l) => /^\d+ \d+ 1 .*ERROR 1045 /.test(l)),
      lines.join('\n'),
    ).toBe(true);
    expect(await onHost(`cat ${DIR}/errors`)).toMatch(/ERROR 1045 .*Access denied for user 'probe'/);
    // The earlier loop ended on its own and took its option file with it.
    expect(
      (await onHost(`ls ${DIR}`))
        .trim()
        .split('\n')
        .filter((f) => f.endsWith('.cnf')),
    ).toEqual([`client-${pid}.cnf`]);
    expect(
      (await execOn(HOST, ['grep', '-qs', 'opsgate_probe', `/proc/${before}/cmdline`])).exitCode,
      'the earlier loop still runs',
    ).not.toBe(0);

    const stop = await viaSsh(probeStopCommand(target()).command, `${business}\n`);
    expect(stop.exitCode, stop.stderr.head).toBe(0);
    expect((await onHost(`ls -A ${DIR}`)).trim().split('\n').sort()).toEqual(['endpoint', 'errors', 'log']);
    expect(
      (await execOn(HOST, ['grep', '-qs', 'opsgate_probe', `/proc/${pid}/cmdline`])).exitCode,
      'the loop still runs',
    ).not.toBe(0);
  }, 120_000);
});
