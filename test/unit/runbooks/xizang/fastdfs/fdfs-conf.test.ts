import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fdfsConfValue, normPath } from '../../../../../src/runbooks/xizang/fastdfs/fdfs-conf.ts';

const dir = mkdtempSync(join(tmpdir(), 'fdfs-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function read(file: string, key: string, all = false): { out: string; code: number } {
  try {
    return { out: execFileSync('bash', ['-c', fdfsConfValue(file, key, { all })], { encoding: 'utf8' }), code: 0 };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { out: err.stdout, code: err.status };
  }
}

describe('FastDFS config read as libfastcommon reads it', () => {
  const conf = join(dir, 'storage.conf');
  writeFileSync(
    conf,
    [
      '# FastDFS storage',
      'group_name = group9',
      '  # an indented comment',
      'base_path = /app/storage/ ',
      'port=23000 # not a comment: the value keeps it',
      '#include trackers.conf',
      '[other]',
      'group_name = in-a-section',
      '[]',
      'group_name=group1',
      'store_path0 = "/mysql/storage0"',
      ' #include ignored.conf',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'trackers.conf'), 'tracker_server = 10.0.0.1:22122\ntracker_server=10.0.0.2:22122\n');

  it('takes the last value of a repeated key, outside sections, trimmed of blanks', () => {
    expect(read(conf, 'group_name').out).toBe('group1\n');
    expect(read(conf, 'base_path').out).toBe('/app/storage/\n');
  });

  it('follows #include relative to the config directory and keeps every value of a multi-valued key in order', () => {
    expect(read(conf, 'tracker_server', true).out).toBe('10.0.0.1:22122\n10.0.0.2:22122\n');
  });

  it('keeps what FastDFS keeps: end-of-line "comments" and quotes are part of the value', () => {
    expect(read(conf, 'port').out).toBe('23000 # not a comment: the value keeps it\n');
    expect(read(conf, 'store_path0').out).toBe('"/mysql/storage0"\n');
  });

  it('exits 1 for an absent key and 2 for a missing include', () => {
    expect(read(conf, 'nothing').code).toBe(1);
    const broken = join(dir, 'broken.conf');
    writeFileSync(broken, '#include missing.conf\nport=1\n');
    expect(read(broken, 'port').code).toBe(2);
  });

  it('compares paths normalised', () => {
    expect(normPath('/mysql//storage0/')).toBe('/mysql/storage0');
    expect(normPath('/')).toBe('/');
  });
});
