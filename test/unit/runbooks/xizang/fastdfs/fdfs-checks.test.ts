import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askTracker } from '../../../../../src/runbooks/xizang/fastdfs/fdfs-checks.ts';
import { fdfsLayout, type FdfsLayout } from '../../../../../src/runbooks/xizang/fastdfs/fdfs-layout.ts';
import { labXizang } from '../xizang-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fdfs-checks-'));
let l: FdfsLayout;
beforeAll(async () => {
  const spec = (await labXizang()).spec;
  const f = spec?.middleware.fastdfs[0];
  if (spec === undefined || f === undefined) throw new Error('no FastDFS in the lab site');
  l = fdfsLayout(spec, f);
  writeFileSync(join(dir, 'pgrep'), '#!/bin/sh\necho "131 /usr/bin/fdfs_storaged /etc/fdfs/storage.conf"\n');
  chmodSync(join(dir, 'pgrep'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const V5_USAGE =
  'Usage: fdfs_monitor <config_file> [-h <tracker_server>] [list|delete|set_trunk_server <group_name> [storage_id]]';
const V6_USAGE = `${V5_USAGE}\n\tthe tracker server format: host[:port], the tracker default port is 22122\n`;
const report = (tracker: string, status41: string, host41 = '') =>
  [
    'server_count=2, server_index=0',
    '',
    `tracker server is ${tracker}`,
    '',
    'group count: 1',
    '',
    'Group 1:',
    'group name = group1',
    '\tStorage 1:',
    `\t\tip_addr = 10.77.0.41${host41}  ${status41}`,
    '\tStorage 2:',
    '\t\tip_addr = 10.77.0.42  ACTIVE',
  ].join('\n');

/** Runs the ask against a fake fdfs_monitor: `usage` without arguments, else `answer` with exit `code`. */
function ask(usage: string, answer: string, code = 0): { out: string; code: number } {
  writeFileSync(
    join(dir, 'fdfs_monitor'),
    `#!/bin/sh\nif [ $# -eq 0 ]; then printf '%s\\n' '${usage}'; exit 1; fi\necho "$*" > ${dir}/args\nprintf '%s\\n' '${answer}'\nexit ${code}\n`,
  );
  chmodSync(join(dir, 'fdfs_monitor'), 0o755);
  const t = l.trackers[0];
  if (t === undefined) throw new Error('no tracker');
  try {
    const out = execFileSync('bash', ['-c', askTracker(l, t, ['10.77.0.41', '10.77.0.42'])], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    return { out, code: 0 };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { out: err.stdout, code: err.status };
  }
}
const args = () => execFileSync('cat', [join(dir, 'args')], { encoding: 'utf8' }).trim();

describe('asking one tracker with fdfs_monitor', () => {
  it('passes on V5.11 output (hostname after the address), asking with -h and the address alone', () => {
    const r = ask(V5_USAGE, report('10.77.0.41:22122', 'ACTIVE', ' (fdfs-1)'));
    expect(r).toEqual({
      out: 'tracker 10.77.0.41:22122 answers: group1 storages 10.77.0.41, 10.77.0.42 ACTIVE\n',
      code: 0,
    });
    expect(args()).toBe('/etc/fdfs/storage.conf -h 10.77.0.41');
  });

  it('asks V6 with -h HOST:PORT, as its usage says', () => {
    expect(ask(V6_USAGE, report('10.77.0.41:22122', 'ACTIVE')).code).toBe(0);
    expect(args()).toBe('/etc/fdfs/storage.conf -h 10.77.0.41:22122');
  });

  it('fails when another tracker answered in its place (fdfs_monitor passes over a dead one)', () => {
    const r = ask(V5_USAGE, report('10.77.0.42:22122', 'ACTIVE'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('tracker 10.77.0.41:22122 did not answer (answered by: 10.77.0.42:22122)');
  });

  it('fails naming the storage that is not ACTIVE and the line the tracker printed', () => {
    const r = ask(V5_USAGE, report('10.77.0.41:22122', 'OFFLINE'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'storage 10.77.0.41 is not ACTIVE on tracker 10.77.0.41:22122:  ip_addr = 10.77.0.41 OFFLINE',
    );
  });

  it('fails naming the tool, its exit code and its output when it fails or answers in an unknown format', () => {
    const failed = ask(V5_USAGE, 'connect to 10.77.0.41:22122 fail, errno: 111', 111);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('fdfs_monitor /etc/fdfs/storage.conf -h 10.77.0.41 (exit 111): failed');
    expect(failed.out).toContain('errno: 111');
    const odd = ask(V5_USAGE, 'tracker server is 10.77.0.41:22122\nsomething else');
    expect(odd.out).toContain('no group group1 in the answer (unknown format, or the group is missing)');
  });

  it('refuses a fdfs_monitor whose usage names no known -h form, before asking anything', () => {
    const r = ask('fdfs_monitor 7.0: see --help', report('10.77.0.41:22122', 'ACTIVE'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('fdfs_monitor: no known -h form for this version (exit 1): fdfs_monitor 7.0: see --help\n');
  });
});
