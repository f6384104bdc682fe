import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { killGroupCommand, PgidMarkerFilter, wrapCommand } from '../../../../src/runners/ssh/wrap-command.ts';

/** Runs a wrapped command the way sshd does: bash -c in a new session. */
function runLikeSshd(command: string, nonce: string) {
  return spawn('setsid', ['bash', '-c', wrapCommand(command, nonce)], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** True when a process of the group is still running (zombies waiting for their reaper do not count). */
function alive(pgid: number): boolean {
  const ps = spawnSync('ps', ['-e', '-o', 'pgid=,stat='], { encoding: 'utf8' }).stdout;
  return ps.split('\n').some((l) => {
    const [g, stat] = l.trim().split(/\s+/);
    return Number(g) === pgid && stat !== undefined && !stat.startsWith('Z');
  });
}

describe('remote wrapper', () => {
  it('reports the process group on stderr, strips it, and keeps the exit status', async () => {
    const child = runLikeSshd('echo out; echo err >&2; exit 7', 'n1');
    const filter = new PgidMarkerFilter('n1');
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += filter.write(b).toString()));
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const code = await new Promise((r) => child.on('close', r));
    stderr += filter.end().toString();
    expect(code).toBe(7);
    expect(stdout).toBe('out\n');
    expect(stderr).toBe('err\n');
    expect(filter.pgid).toBe(child.pid);
  });

  it('runs in its own session even when the caller did not make one', () => {
    const r = spawnSync('bash', ['-c', wrapCommand('ps -o pgid= -p $$; ps -o sid= -p $$', 'n2')], { encoding: 'utf8' });
    const [pgid, sid] = r.stdout.trim().split(/\s+/).map(Number);
    const filter = new PgidMarkerFilter('n2');
    filter.write(Buffer.from(r.stderr));
    expect(pgid).toBe(filter.pgid);
    expect(sid).toBe(filter.pgid);
    expect(r.status).toBe(0);
  });

  it('kills the command and the children it left in the background', async () => {
    const child = runLikeSshd('sleep 300 & sleep 301 & wait', 'n3');
    const filter = new PgidMarkerFilter('n3');
    const pgid = await new Promise<number>((resolve) =>
      child.stderr.on('data', (b: Buffer) => {
        filter.write(b);
        if (filter.pgid !== undefined) resolve(filter.pgid);
      }),
    );
    expect(alive(pgid)).toBe(true);
    // Asynchronously, so that this process can reap its killed child meanwhile (as sshd does on the host).
    const killer = spawn('sh', ['-c', killGroupCommand(pgid, 1000)]);
    const [killStatus, childSignal] = await Promise.all([
      new Promise((r) => killer.on('close', r)),
      new Promise((r) => child.on('close', (_code, sig) => r(sig))),
    ]);
    expect(killStatus).toBe(0);
    expect(childSignal).toBe('SIGTERM');
    expect(alive(pgid)).toBe(false);
  });

  it('passes through stderr that came before the marker (e.g. from a login script)', () => {
    const filter = new PgidMarkerFilter('n4');
    const out = filter.write(Buffer.from('motd noise\n\u001eOPSGATE-PGID n4 4242\nreal err\n'));
    expect(out.toString()).toBe('motd noise\nreal err\n');
    expect(filter.pgid).toBe(4242);
  });

  it('refuses to kill process group 1 or a non-number', () => {
    expect(() => killGroupCommand(1)).toThrow(RangeError);
    expect(() => killGroupCommand(Number.NaN)).toThrow(RangeError);
  });
});
