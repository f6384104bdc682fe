import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingPeersMessage } from '../../../bench/require-peers.ts';

const dir = mkdtempSync(join(tmpdir(), 'opsgate-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding executables of the given names, to stand for PATH. */
function pathWith(...programs: string[]): string {
  const d = mkdtempSync(join(dir, 'bin-'));
  for (const p of programs) {
    writeFileSync(join(d, p), '#!/bin/sh\n');
    chmodSync(join(d, p), 0o755);
  }
  return d;
}

describe('a bench names what it needs before it starts', () => {
  it('names each missing program and the Debian packages that install them, once each', () => {
    const message = missingPeersMessage('bench/fanout', ['parallel-ssh', 'ansible', 'ssh', 'parallel-ssh'], pathWith());
    expect(message).toBe(
      'bench/fanout: not installed: parallel-ssh, ansible, ssh. On Debian, as root: apt-get install pssh ansible-core openssh-client',
    );
  });

  it('says nothing when every program is on the PATH', () => {
    expect(missingPeersMessage('bench/fanout', ['parallel-ssh', 'ansible'], pathWith('parallel-ssh', 'ansible'))).toBe(
      undefined,
    );
  });

  it('does not count a file that is not executable, and adds the hint', () => {
    const d = pathWith();
    writeFileSync(join(d, 'ansible'), 'not a program');
    expect(missingPeersMessage('bench/fanout', ['ansible'], d, 'or leave it out with --only opsgate')).toBe(
      'bench/fanout: not installed: ansible. On Debian, as root: apt-get install ansible-core; or leave it out with --only opsgate',
    );
  });
});
