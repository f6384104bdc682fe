import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDirective, readRequirepass } from '../../../../../src/runbooks/xizang/redis/redis-cli.ts';

/** Runs a reader command in a local shell, as the host would. */
const run = (command: string) => execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' });

function confDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-conf-'));
  for (const [name, text] of Object.entries(files))
    writeFileSync(path.join(dir, name), text.replaceAll('DIR/', `${dir}/`));
  return dir;
}

describe('redis.conf is read the way Redis 5.0.5 reads it', () => {
  it('takes the last occurrence, any case, and strips double or single quotes', () => {
    const d = confDir({
      'redis.conf': '# dir /nope\ndir /first\n  DIR   "/app/redis data/"  \ndbfilename \'dump.rdb\'\n',
    });
    expect(run(readDirective(`${d}/redis.conf`, 'dir'))).toBe('/app/redis data/\n');
    expect(run(readDirective(`${d}/redis.conf`, 'dbfilename'))).toBe('dump.rdb\n');
  });

  it('follows include where it stands: a later directive overrides the included one, and the other way round', () => {
    const d = confDir({
      'redis.conf': 'requirepass early\ninclude DIR/auth.conf\nport 6380\ninclude "DIR/port.conf"\n',
      'auth.conf': 'requirepass "from include"\n',
      'port.conf': 'port 6390\n',
    });
    expect(run(String(readRequirepass(`${d}/redis.conf`)))).toBe('from include\n');
    expect(run(readDirective(`${d}/redis.conf`, 'port'))).toBe('6390\n');
  });

  it('prints nothing for a directive that is not set or a file that cannot be read, and ends on an include loop', () => {
    const d = confDir({ 'redis.conf': 'include DIR/redis.conf\nport 6379\n' });
    expect(run(String(readRequirepass(`${d}/redis.conf`)))).toBe('');
    expect(run(readDirective(`${d}/missing.conf`, 'dir'))).toBe('');
    expect(run(readDirective(`${d}/redis.conf`, 'port'))).toBe('6379\n');
  });

  it('keeps the value out of the command line: the config path is the only operand', () => {
    const cmd = String(readRequirepass('/etc/redis/redis.conf'));
    expect(cmd).toMatch(/^awk -v want=requirepass -v conf=\/etc\/redis\/redis\.conf '/);
  });
});
