import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compileServiceProbe,
  judgeService,
  readServiceProbe,
  selfExcludingPattern,
  type ServiceProbe,
} from '../../../../src/core/plan/service-probe.ts';

/** Runs a probe's command in a local bash, as a host's shell would, and judges what it printed. */
function probeHere(p: ServiceProbe) {
  const out = spawnSync('bash', ['-c', compileServiceProbe(p)], { encoding: 'utf8' });
  return judgeService(p, readServiceProbe(out.stdout));
}

const uniq = `/opt/og-${process.pid}-${Date.now()}/bin/fake-server`;
const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A process whose command line starts with `uniq`, like a daemon started from its install path. */
async function startFake(): Promise<void> {
  const c = spawn('bash', ['-c', `exec -a ${uniq} sleep 60`], { stdio: 'ignore' });
  children.push(c);
  await new Promise((r) => setTimeout(r, 150));
}

async function listen(): Promise<number> {
  const s = createServer(() => undefined);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}

describe('service probes read the software, not an init script', () => {
  it('a pattern never matches its own text, so the probing shell is not taken for the service', () => {
    const pat = selfExcludingPattern('/app/soft/redis-5.0.5/bin/redis-server');
    expect(pat).toBe('[/]app/soft/redis-5\\.0\\.5/bin/redis-server');
    expect(new RegExp(pat).test('/app/soft/redis-5.0.5/bin/redis-server 0.0.0.0:6379')).toBe(true);
    expect(new RegExp(pat).test(`pgrep -f -- '${pat}'`)).toBe(false);
  });

  it('says stopped when no process runs it, even though the probe itself names it', () => {
    expect(probeHere({ kind: 'service', name: 'fake', state: 'stopped', process: uniq })).toMatchObject({
      ok: true,
      evidence: expect.stringContaining(`no process runs ${uniq}`),
    });
    expect(probeHere({ kind: 'service', name: 'fake', state: 'running', process: uniq }).ok).toBe(false);
  });

  it('never counts the shell running it, even when its command names the process elsewhere', () => {
    const p: ServiceProbe = { kind: 'service', name: 'fake', state: 'stopped', process: uniq };
    // As in a stop step: `/etc/init.d/x stop` or a message naming the process sits in the same command line.
    const out = spawnSync('bash', ['-c', `: ${uniq}; (: ${uniq}; ${compileServiceProbe(p)})`], { encoding: 'utf8' });
    expect(judgeService(p, readServiceProbe(out.stdout))).toMatchObject({ ok: true });
  });

  it('says running only with the process, the port listening and the answer matching', async () => {
    await startFake();
    const port = await listen();
    const running: ServiceProbe = { kind: 'service', name: 'fake', state: 'running', process: uniq, port };
    expect(probeHere(running)).toMatchObject({ ok: true, evidence: expect.stringContaining(`port ${port} listening`) });
    expect(probeHere({ ...running, answer: { command: 'echo PONG', pattern: '^PONG$' } }).ok).toBe(true);
    const wrong = probeHere({
      ...running,
      answer: { command: 'echo NOAUTH Authentication required', pattern: '^PONG$' },
    });
    expect(wrong).toMatchObject({ ok: false, evidence: expect.stringContaining('NOAUTH') });
  });

  it('a process without its port is neither running nor stopped: a half-started or half-stopped service', async () => {
    await startFake();
    const port = await listen();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    const p: ServiceProbe = { kind: 'service', name: 'fake', state: 'stopped', process: uniq, port };
    expect(probeHere(p)).toMatchObject({ ok: false, evidence: expect.stringContaining('neither running nor stopped') });
    expect(probeHere({ ...p, state: 'running' }).ok).toBe(false);
  });

  it('an open port with no process is not stopped: something else holds it', async () => {
    const port = await listen();
    const p: ServiceProbe = { kind: 'service', name: 'fake', state: 'stopped', process: uniq, port };
    expect(probeHere(p)).toMatchObject({ ok: false, evidence: expect.stringContaining(`port ${port} listening`) });
  });

  it('a host without pgrep gives an unknown state, which fails both ways and says why', () => {
    const p: ServiceProbe = { kind: 'service', name: 'fake', state: 'stopped', process: uniq };
    const out = spawnSync('/bin/bash', ['-c', compileServiceProbe(p)], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
    });
    const j = judgeService(p, readServiceProbe(out.stdout));
    expect(j).toEqual({ ok: false, evidence: expect.stringContaining('no pgrep on the host') });
    expect(judgeService({ ...p, state: 'running' }, readServiceProbe(out.stdout)).ok).toBe(false);
  });

  it('output that is not a probe reading (a broken shell, a banner) is never a pass', () => {
    const p: ServiceProbe = { kind: 'service', name: 'fake', state: 'stopped', process: uniq };
    expect(judgeService(p, readServiceProbe('bash: syntax error\n'))).toMatchObject({
      ok: false,
      evidence: expect.stringContaining('unknown state'),
    });
  });
});
