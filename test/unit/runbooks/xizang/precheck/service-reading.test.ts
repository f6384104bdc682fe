import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  readService,
  serviceArgs,
  type ServiceCheck,
} from '../../../../../src/runbooks/xizang/precheck/service-reading.ts';
import { judgeService } from '../../../../../src/runbooks/xizang/precheck/service-verdict.ts';
import { readSections, section } from '../../../../../src/runbooks/xizang/shared/sections.ts';

/** Runs a check's command in a local bash, as a host's shell would (PATH first `pathFirst`), and judges it. */
function readHere(c: ServiceCheck, pathFirst?: string) {
  const env =
    pathFirst === undefined ? process.env : { ...process.env, PATH: `${pathFirst}:${process.env.PATH ?? ''}` };
  const out = spawnSync('bash', ['-c', section('svc', c.name, readService(c))], { encoding: 'utf8', env });
  return judgeService(serviceArgs(c), readSections(out.stdout)[0]);
}

const uniq = `/opt/og-precheck-${process.pid}-${Date.now()}/bin/fake-daemon`;
const children: ChildProcess[] = [];
const servers: Server[] = [];
const fakes = mkdtempSync(join(tmpdir(), 'precheck-svc-'));
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});
afterAll(() => rmSync(fakes, { recursive: true, force: true }));

/** A daemon whose command line starts with `uniq`, listening on a free port and answering HTTP; its port. */
async function startHttpDaemon(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const a = probe.address();
  const port = typeof a === 'object' && a !== null ? a.port : 0;
  await new Promise((r) => probe.close(r));
  const js = `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
  children.push(spawn('bash', ['-c', `exec -a ${uniq} ${process.execPath} -e "${js}"`], { stdio: 'ignore' }));
  for (let i = 0; i < 50; i++) {
    const ss = spawnSync('ss', ['-ltn', `sport = :${port}`], { encoding: 'utf8' });
    if (ss.stdout.split('\n').length > 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return port;
}

function fakeTool(name: string, script: string): void {
  writeFileSync(join(fakes, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(fakes, name), 0o755);
}

describe('the precheck reads a service from the software: process, listening port, answer', () => {
  it('finds a running HTTP daemon by its process, the port it listens on and its HTTP status line', async () => {
    const port = await startHttpDaemon();
    const v = readHere({ name: 'power-dns', process: uniq, http: true });
    expect(v.state).toBe('running');
    expect(v.evidence).toMatch(new RegExp(`pid \\d+ runs ${uniq}; it listens on 127\\.0\\.0\\.1:${port}; `));
    expect(v.evidence).toContain(`HTTP HEAD / on 127.0.0.1:${port} answered HTTP/1.1 200 OK`);
  });

  it('says absent when no process runs, though the check itself names it', () => {
    expect(readHere({ name: 'power-api', process: uniq, http: true })).toEqual({
      state: 'absent',
      evidence: `power-api: no process runs ${uniq}`,
    });
  });

  it('a process that answers nothing on its port is down, naming the port closed and the tool that failed', async () => {
    await startHttpDaemon();
    const v = readHere({
      name: 'redis',
      process: uniq,
      port: 1,
      answer: { tool: 'redis-cli PING', command: "echo 'NOAUTH Authentication required.'; exit 1", pattern: '^PONG$' },
    });
    expect(v.state).toBe('down');
    expect(v.evidence).toContain('port 1 closed');
    expect(v.evidence).toContain('redis-cli PING (exit 1): NOAUTH Authentication required., not /^PONG$/');
  });

  it('an answer of nothing is no answer', async () => {
    const port = await startHttpDaemon();
    const v = readHere({ name: 'x', process: uniq, port, answer: { tool: 'srvr', command: 'true', pattern: '^Mode' } });
    expect(v).toMatchObject({ state: 'down', evidence: expect.stringContaining('srvr (exit 0): (no output)') });
  });

  it('an ss that fails or answers without its header makes the state unknown, naming ss, its exit code and output', async () => {
    await startHttpDaemon();
    fakeTool('ss', 'echo "ss: invalid option -- \'p\'" >&2; exit 255');
    const v = readHere({ name: 'power-dns', process: uniq, port: 8053, http: true }, fakes);
    expect(v.state).toBe('unknown');
    expect(v.evidence).toContain("ss -ltnp (exit 255): ss: invalid option -- 'p'");
    fakeTool('ss', 'echo "LISTEN 0 5 0.0.0.0:8053 0.0.0.0:*"');
    expect(readHere({ name: 'power-dns', process: uniq, port: 8053 }, fakes).evidence).toContain(
      'ss -ltnp (exit 0): LISTEN 0 5 0.0.0.0:8053',
    );
    rmSync(join(fakes, 'ss'));
  });
});

describe('judging a reading', () => {
  const check = serviceArgs({ name: 'keepalived', process: '/app/soft/keepalived/sbin/keepalived' });
  const judge = (text: string) => judgeService(check, readSections(`@@ svc x\n${text}\n@@ exit 0\n`)[0]);

  it("never takes an init script's word for it: `running` alone is no reading", () => {
    expect(judge('running')).toMatchObject({ state: 'unknown', evidence: expect.stringContaining('no process line') });
  });

  it('a host without pgrep cannot tell', () => {
    expect(judge('unknown: no pgrep on the host').state).toBe('unknown');
  });

  it('a reading cut short (no exit code) cannot tell', () => {
    const v = judgeService(check, readSections('@@ svc x\nprocess: 12\n')[0]);
    expect(v).toMatchObject({ state: 'unknown', evidence: expect.stringContaining('cut short') });
  });

  it('a port open with no process is down, not absent', () => {
    const c = serviceArgs({ name: 'named', process: 'sbin/named', port: 53 });
    const v = judgeService(c, readSections('@@ svc x\nprocess: none\nport 53: listening\n@@ exit 0\n')[0]);
    expect(v.state).toBe('down');
  });
});
