import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { execOn, labHost } from '../../support/lab.ts';
import { eventually, onHost } from './fixture-probes.ts';

const STORE = '/mysql/storage0/data';
/** FastDFS's ACTIVE_TEST (cmd 111, empty body) sent to a local port; the answer's 10 bytes in hex. */
const ACTIVE_TEST = (port: number) =>
  `timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && printf "%b" "\\0\\0\\0\\0\\0\\0\\0\\0\\0157\\0" >&3 && head -c 10 <&3' | od -An -tx1 | tr -s ' \\n' ' '`;

/** Every stored file of a storage host with its sha256, as `sha256sum` prints them, keyed by path under data/. */
async function storedFiles(host: string): Promise<Map<string, string>> {
  const out = await onHost(host, [
    'sh',
    '-c',
    `cd ${STORE} && find . -type f ! -name '.*' -print0 | xargs -0 sha256sum`,
  ]);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [sum = '', file = ''] = line.split(/\s+/);
        return [file.replace(/^\.\//, ''), sum] as const;
      }),
  );
}

const run = (host: string, script: string) => execOn(host, ['bash', '-c', script]);

describe('fastdfs fixtures (FastDFS V5.11 as hand-installed at the site)', () => {
  it('fdfs_monitor V5.11: server_count from the config, the report on stdout, its DEBUG line on stderr', async () => {
    let r = await run('fdfs-2', 'fdfs_monitor /etc/fdfs/client.conf');
    // Right after boot a storage may not have reached the tracker asked yet (it beats every 2 s).
    await eventually(
      async () =>
        /^active server count = 2$/m.test((r = await run('fdfs-2', 'fdfs_monitor /etc/fdfs/client.conf')).stdout),
      'both storages ACTIVE',
      15,
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/DEBUG - base_path=\/tmp, .*tracker_server_count=2,/);
    expect(r.stdout).toMatch(/^server_count=2, server_index=[01]$/m);
    expect(r.stdout).toMatch(/^tracker server is 10\.\d+\.\d+\.4[12]:22122$/m);
    expect(r.stdout).toMatch(/^group name = group1$/m);
    expect(r.stdout).toMatch(/^active server count = 2$/m);
    // V5.11 prints the storage's host name after its address when it resolves (client/fdfs_monitor.c).
    for (const host of ['fdfs-1', 'fdfs-2'])
      expect(r.stdout).toContain(`ip_addr = ${labHost(host).address} (${host})  ACTIVE`);
  });

  it('fdfs_monitor V5.11 -h: the address alone; HOST:PORT does not resolve; a tracker not in the config does not exist', async () => {
    const a = labHost('fdfs-1').address;
    const ok = await run('fdfs-1', `fdfs_monitor /etc/fdfs/client.conf -h ${a}`);
    expect(ok.stdout).toContain(`tracker server is ${a}:22122`);
    const port = await run('fdfs-1', `fdfs_monitor /etc/fdfs/client.conf -h ${a}:22122`);
    expect({ code: port.exitCode, out: port.stdout.trim() }).toEqual({
      code: 2,
      out: `resolve ip address of tracker server: ${a}:22122 fail!`,
    });
    const other = labHost('fdfs-3').address;
    const none = await run('fdfs-1', `fdfs_monitor /etc/fdfs/client.conf -h ${other}`);
    expect({ code: none.exitCode, out: none.stdout.trim() }).toEqual({
      code: 2,
      out: `tracker server: ${other} not exists!`,
    });
    const usage = await run('fdfs-1', 'fdfs_monitor');
    expect(usage.exitCode).toBe(1);
    expect(usage.stdout).not.toContain('host[:port]');
  });

  it('fdfs_monitor passes over a tracker that does not answer, and a stopped storage goes OFFLINE', async () => {
    const a1 = labHost('fdfs-1').address;
    try {
      await onHost('fdfs-1', ['service', 'fdfs_trackerd', 'stop']);
      await onHost('fdfs-2', ['service', 'fdfs_storaged', 'stop']);
      const offline = new RegExp(`ip_addr = ${labHost('fdfs-2').address.replace(/\./g, '\\.')} \\(fdfs-2\\)  OFFLINE`);
      let out = '';
      await eventually(
        async () => offline.test((out = (await run('fdfs-1', `fdfs_monitor /etc/fdfs/client.conf -h ${a1}`)).stdout)),
        'storage going OFFLINE',
        20,
      );
      // Asked for fdfs-1's tracker, answered by fdfs-2's: the exit code says nothing about which one answered.
      expect(out).toContain(`tracker server is ${labHost('fdfs-2').address}:22122`);
      expect(out).toMatch(/^active server count = 1$/m);
    } finally {
      await onHost('fdfs-1', ['service', 'fdfs_trackerd', 'start']);
      await onHost('fdfs-2', ['service', 'fdfs_storaged', 'start']);
    }
    const none = await run(
      'fdfs-3',
      'printf "tracker_server=127.0.0.1:22122\\n" > /tmp/c.conf; fdfs_m=/lab/standins/bin/fdfs_monitor; $fdfs_m /tmp/c.conf',
    );
    expect(none.exitCode).toBe(111);
    expect(none.stderr).toContain('connect to 127.0.0.1:22122 fail, errno: 111');
  });

  it('reads its config as libfastcommon does: blanks, #include relative to the file, repeats, last value wins', async () => {
    const [a1, a2] = [labHost('fdfs-1').address, labHost('fdfs-2').address];
    const script = [
      'mkdir -p /tmp/fc && cd /tmp/fc',
      `printf 'base_path = /tmp/\\n#include more.conf\\n  #include not-an-include.conf\\ntracker_server = ${a1}:22122\\n' > c.conf`,
      `printf 'tracker_server=${a2}:22122\\ntracker_server = ${a1}:22122\\n' > more.conf`,
      'cd / && fdfs_monitor /tmp/fc/c.conf',
    ].join(' && ');
    const r = await run('fdfs-1', script);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('base_path=/tmp, ');
    expect(r.stderr).toContain('tracker_server_count=2,');
    expect(r.stdout).toMatch(/^server_count=2, server_index=[01]$/m);
    const missing = await run(
      'fdfs-1',
      "printf '#include nowhere.conf\\n' > /tmp/fc/m.conf; fdfs_monitor /tmp/fc/m.conf",
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('include file "nowhere.conf" not exists');
  });

  it('tracker and storage answer FastDFS ACTIVE_TEST with a RESP header on their ports', async () => {
    for (const port of [22122, 23000])
      expect((await run('fdfs-1', ACTIVE_TEST(port))).stdout).toBe(' 00 00 00 00 00 00 00 00 64 00 ');
  });

  it('fdfs_trackerd V5.11: usage without a config, refuses a missing base_path, logs its version', async () => {
    const usage = await run('fdfs-1', 'fdfs_trackerd');
    expect({ code: usage.exitCode, err: usage.stderr.trim() }).toEqual({
      code: 1,
      err: 'Usage: fdfs_trackerd <config_file> [start | stop | restart]',
    });
    const bad = await run('fdfs-1', 'printf "base_path = /nowhere/\\n" > /tmp/t.conf; fdfs_trackerd /tmp/t.conf');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"/nowhere" can\'t be accessed');
    expect((await onHost('fdfs-1', ['head', '-n', '1', '/app/tracker/logs/trackerd.log'])).trim()).toMatch(
      /INFO - FastDFS v5\.11, base_path=\/app\/tracker, .*port=22122/,
    );
  });

  it('keeps the site layout: trackers on /app/tracker, storage base /app/storage, files under the two data folders', async () => {
    for (const path of [
      '/app/tracker/data',
      '/app/tracker/logs',
      '/app/storage/data',
      '/app/storage/logs',
      '/etc/init.d/fdfs_trackerd',
      '/etc/init.d/fdfs_storaged',
      '/etc/init.d/nginx',
      '/usr/local/nginx/sbin/nginx',
    ]) {
      expect((await execOn('fdfs-1', ['test', '-e', path])).exitCode, path).toBe(0);
    }
    expect((await onHost('fdfs-1', ['ls', STORE])).split('\n').filter(Boolean)).toEqual(['00', '01']);
    expect(await onHost('fdfs-1', ['pgrep', '-af', '[f]dfs_trackerd'])).toMatch(
      /\/usr\/bin\/fdfs_trackerd .*tracker\.conf/,
    );
  });

  it('serves every stored file with the real nginx on 8888 byte for byte, on both hosts', async () => {
    const files = await storedFiles('fdfs-1');
    expect(files.size).toBeGreaterThanOrEqual(30);
    expect(await storedFiles('fdfs-2')).toEqual(files);
    for (const host of ['fdfs-1', 'fdfs-2']) {
      for (const [file, sum] of files) {
        const res = await fetch(`http://${labHost(host).address}:8888/group1/M00/${file}`);
        expect(res.status, file).toBe(200);
        expect(res.headers.get('server')).toMatch(/^nginx\/\d/);
        expect(
          createHash('sha256')
            .update(Buffer.from(await res.arrayBuffer()))
            .digest('hex'),
          file,
        ).toBe(sum);
      }
    }
    const missing = await fetch(`http://${labHost('fdfs-1').address}:8888/group2/M00/00/00/nothing.txt`);
    expect(missing.status).toBe(404);
    expect((await run('fdfs-1', '/usr/local/nginx/sbin/nginx -t')).stderr).toContain('test is successful');
    expect(await onHost('fdfs-1', ['pgrep', '-af', 'nginx: master'])).toContain('/usr/local/nginx/sbin/nginx');
  });

  it('leaves fdfs-3 empty: no FastDFS files, config or services there', async () => {
    for (const path of [
      '/etc/fdfs',
      '/app/tracker',
      '/app/storage',
      '/mysql/storage0',
      '/etc/init.d/fdfs_trackerd',
      '/usr/local/nginx',
    ]) {
      expect((await execOn('fdfs-3', ['test', '-e', path])).exitCode, path).not.toBe(0);
    }
  });
});
