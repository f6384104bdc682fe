import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SiteFile } from '../../../../../src/core/sites/site-schema.ts';
import { replicaInSyncCommand } from '../../../../../src/runbooks/xizang/redis/replica-in-sync.ts';
import { redisLayout, type RedisLayout } from '../../../../../src/runbooks/xizang/redis/upgrade-redis-steps.ts';
import { labXizang } from '../xizang-fixture.ts';

let spec: SiteFile;
beforeAll(async () => {
  const site = await labXizang();
  if (site.spec === undefined) throw new Error('no site file');
  spec = site.spec;
});

/**
 * The r09 replica check run by sh against a fake redis-cli (a script answering `INFO replication` for the master,
 * `-h 10.77.0.21`, and for the replica itself, `-h 127.0.0.1`). Each answer is a shell snippet; `$n` counts the
 * calls to that side, so an answer can change from one read to the next.
 */
describe('replicaInSyncCommand against a fake redis-cli', () => {
  let dir: string;
  let l: RedisLayout;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'og-replica-'));
    const r = spec.middleware.redis[0];
    if (r === undefined) throw new Error('no redis');
    l = { ...redisLayout(spec, r), newHome: join(dir, 'home'), newConfig: join(dir, 'home/conf/redis.conf') };
    mkdirSync(join(dir, 'home/bin'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function fakeCli(master: string, replica: string) {
    const cli = join(dir, 'home/bin/redis-cli');
    const counted = (side: string, body: string) =>
      `n=$(cat '${dir}/${side}' 2>/dev/null || echo 0); echo $((n + 1)) > '${dir}/${side}'; ${body}`;
    writeFileSync(
      cli,
      `#!/bin/sh\ncase "$*" in\n  *'-h 10.77.0.21 '*) ${counted('m', master)} ;;\n  *) ${counted('r', replica)} ;;\nesac\n`,
    );
    chmodSync(cli, 0o755);
  }
  const linked = (offset: string) =>
    `printf 'role:slave\\r\\nmaster_host:10.77.0.21\\r\\nmaster_port:6379\\r\\nmaster_link_status:up\\r\\nmaster_last_io_seconds_ago:1\\r\\nslave_repl_offset:%s\\r\\n' ${offset}`;
  /** The master's offset: 100 on the first read, then 114 (the PING `replicationCron` sends). */
  const pinging = `[ "$n" -ge 1 ] && o=114 || o=100; printf 'role:master\\r\\nmaster_repl_offset:%s\\r\\n' $o`;
  const run = (seconds = 3, askSeconds = 1) =>
    spawnSync('sh', ['-c', replicaInSyncCommand(l, 'redis-b', { seconds, askSeconds })], { encoding: 'utf8' });

  it('passes a linked replica once it has applied what the master sent after the check began', () => {
    fakeCli(pinging, linked('$((100 + n * 10))'));
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^replica redis-b: role:slave master_host:10\.77\.0\.21 master_port:6379 master_link_status:up master_last_io_seconds_ago:1 slave_repl_offset:(12|13)\d, caught up with master_repl_offset of redis-a, read after it moved from 100 to 114\n$/,
    );
  });

  it('fails a replica that still says "up" but no longer follows the master (cut off), with both offsets', () => {
    fakeCli(pinging, linked('100'));
    const r = run(2);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "replica redis-b is not in sync with redis-a after 2s: the master's master_repl_offset went from 100 to 114; the replica says: role:slave master_host:10.77.0.21 master_port:6379 master_link_status:up master_last_io_seconds_ago:1 slave_repl_offset:100\n",
    );
  });

  it('fails at once, naming the replica and what it says, when the master does not answer from the replica', () => {
    fakeCli('sleep 5', linked('100'));
    const started = Date.now();
    const r = run(60, 1);
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(r.stderr).toBe(
      'replica redis-b: cannot read master_repl_offset from the master redis-a (10.77.0.21:6379): no answer within 1s; the replica says: role:slave master_host:10.77.0.21 master_port:6379 master_link_status:up master_last_io_seconds_ago:1 slave_repl_offset:100\n',
    );
  });

  it('fails naming the master and what redis-cli said when the master answers no offset', () => {
    fakeCli(`echo 'NOAUTH Authentication required.'`, linked('100'));
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'replica redis-b: cannot read master_repl_offset from the master redis-a (10.77.0.21:6379): NOAUTH Authentication required.; the replica says: role:slave',
    );
  });

  it('fails when the master offset never moves: no replica attached to it, so no PING', () => {
    fakeCli(`printf 'role:master\\r\\nmaster_repl_offset:100\\r\\n'`, linked('100'));
    const r = run(2);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('replica redis-b: the master redis-a kept master_repl_offset at 100 for 2s');
  });

  it.each([
    ['its link down', linked('200').replace('up', 'down')],
    ['another master port', linked('200').replace('6379', '6380')],
    ['another master host', linked('200').replace('10.77.0.21', '10.77.0.99')],
    ['the master role', `printf 'role:master\\r\\n'`],
  ])('fails a replica reporting %s, printing what it reported', (_, replica) => {
    fakeCli(pinging, replica);
    const r = run(1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^replica redis-b is not in sync with redis-a after 1s: .*; the replica says: role:/);
  });

  it('says what redis-cli answered on the replica when it gives no INFO replication', () => {
    fakeCli(pinging, `echo 'Could not connect to Redis at 127.0.0.1:6379: Connection refused'`);
    const r = run(1);
    expect(r.stderr).toContain(
      'the replica says: no INFO replication: Could not connect to Redis at 127.0.0.1:6379: Connection refused',
    );
  });
});
