import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raw } from '../../../../../src/core/shell-quote.ts';
import {
  compareDigestsCommand,
  DIGEST_FUNCTION,
  DIGEST_PATTERN,
  liveDigestCommand,
  scratchDigestCommand,
} from '../../../../../src/runbooks/xizang/redis/data-digest.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'og-digest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `og_digest` against a fake `rc` (redis-cli) answering from `answers`: a command line (as redis-cli would
 * receive it, arguments or stdin lines, `--csv` answers) → its one-line answer.
 */
function digest(answers: Record<string, string>): { code: number; out: string; err: string } {
  const table = join(dir, 'answers.tsv');
  writeFileSync(
    table,
    Object.entries(answers)
      .map(([q, a]) => `${q}\t${a}\n`)
      .join(''),
  );
  const ask = `Q="$1" awk 'BEGIN { FS = "\\t" } $1 == ENVIRON["Q"] { print $2; found = 1 } END { if (!found) print "ERROR,\\"unexpected " ENVIRON["Q"] "\\"" }' '${table}'`;
  const fake = `ask() { ${ask}; }
rc() {
  case "$*" in
    'INFO keyspace') ask 'INFO keyspace' | tr '|' '\\n' ;;
    *' --csv') while IFS= read -r l; do ask "$l"; done ;;
    *) ask "$*" ;;
  esac
}`;
  mkdirWork();
  const r = spawnSync('sh', ['-c', `${DIGEST_FUNCTION}\n${fake}\nog_digest '${join(dir, 'w')}'`], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout.trim(), err: r.stderr };
}
function mkdirWork() {
  spawnSync('mkdir', ['-p', join(dir, 'w')]);
}

/** One small data set as a Redis would answer it: keys in `order`, hash fields and set members as given. */
function dataset(opts: { order: string[]; hash: string; set: string; score: string; list?: string }) {
  const scans = { a: '"a"', h: '"h"', s: '"s"', z: '"z"', l: '"l\\nx"', t: '"t"' } as Record<string, string>;
  const first = opts.order.slice(0, 3).map((k) => scans[k]);
  const rest = opts.order.slice(3).map((k) => scans[k]);
  return {
    'INFO keyspace': '# Keyspace|db0:keys=6,expires=1,avg_ttl=0',
    '-n 0 --csv SCAN 0 COUNT 1000': `"17",${first.join(',')}`,
    '-n 0 --csv SCAN 17 COUNT 1000': `"0",${rest.join(',')}`,
    'TYPE "a"': '"string"',
    'PTTL "a"': '-1',
    'TYPE "h"': '"hash"',
    'PTTL "h"': '-1',
    'TYPE "s"': '"set"',
    'PTTL "s"': '-1',
    'TYPE "z"': '"zset"',
    'PTTL "z"': '-1',
    'TYPE "l\\nx"': '"list"',
    'PTTL "l\\nx"': '-1',
    'TYPE "t"': '"string"',
    'PTTL "t"': '5000',
    'GET "a"': '"va\\"lue \\xff"',
    'HGETALL "h"': opts.hash,
    'SMEMBERS "s"': opts.set,
    'ZRANGE "z" 0 -1 WITHSCORES': `"m","${opts.score}"`,
    'LRANGE "l\\nx" 0 -1': opts.list ?? '"x","y","x"',
  };
}

describe('the streamed data digest', () => {
  it('gives equal digests for equal data whatever the SCAN order, the hash and set order or the float format', () => {
    const a = digest(
      dataset({ order: ['a', 'h', 's', 'z', 'l', 't'], hash: '"f1","1","f2","2"', set: '"m1","m2"', score: '0.1' }),
    );
    const b = digest(
      dataset({
        order: ['t', 'l', 'z', 's', 'h', 'a'],
        hash: '"f2","2","f1","1"',
        set: '"m2","m1"',
        score: '0.10000000000000001',
      }),
    );
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(new RegExp(DIGEST_PATTERN));
    // The key with a TTL is counted, not hashed (it may expire between two digests).
    expect(a.out).toMatch(/^keys=5 volatile=1 /);
    expect(b.out).toBe(a.out);
  });

  it('tells a changed list order or value apart', () => {
    const base = { order: ['a', 'h', 's', 'z', 'l', 't'], hash: '"f1","1","f2","2"', set: '"m1","m2"', score: '1' };
    const a = digest(dataset(base));
    expect(digest(dataset({ ...base, list: '"y","x","x"' })).out).not.toBe(a.out);
    expect(digest(dataset({ ...base, hash: '"f1","1","f2","3"' })).out).not.toBe(a.out);
  });

  it('fails naming redis-cli and its answer when a request is refused, never printing a digest', () => {
    const bad = { ...dataset({ order: ['a', 'h', 's', 'z', 'l', 't'], hash: '"f","1"', set: '"m"', score: '1' }) };
    bad['-n 0 --csv SCAN 17 COUNT 1000'] = 'ERROR,"NOAUTH Authentication required."';
    const r = digest(bad);
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain('redis-cli SCAN answered: ERROR,"NOAUTH Authentication required."');
    const info = digest({ 'INFO keyspace': 'ERR unknown command' });
    expect(info.code).not.toBe(0);
    expect(info.err).toContain('redis-cli INFO keyspace answered: ERR unknown command');
  });

  it('refuses a key of a type it cannot read (a module type), naming the key', () => {
    const r = digest({
      'INFO keyspace': '# Keyspace|db2:keys=1,expires=0,avg_ttl=0',
      '-n 2 --csv SCAN 0 COUNT 1000': '"0","doc"',
      'TYPE "doc"': '"rejson-rl"',
      'PTTL "doc"': '-1',
    });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('key "doc" of db 2 is of type rejson-rl, which the data proof cannot read');
  });

  it('reads keys with SCAN in batches and one key per command: no KEYS, no EVAL, no DEBUG', () => {
    expect(DIGEST_FUNCTION).toContain('SCAN "$cur" COUNT 1000');
    expect(DIGEST_FUNCTION).not.toMatch(/\bKEYS\b|\bEVAL|\bDEBUG\b|--scan/);
  });
});

describe('the digest commands', () => {
  it('reads a live instance over 127.0.0.1 with the password in REDISCLI_AUTH only, quoting every path', () => {
    const cmd = liveDigestCommand({
      cli: '/app/soft/my redis/bin/redis-cli',
      port: 6379,
      password: raw("awk -v want=requirepass -v conf='/etc/redis/redis.conf' 'BEGIN{}'"),
      workDir: "/var/lib/opsgate/it's",
      out: '/var/lib/opsgate/x/digest-now',
    });
    expect(cmd).toContain(`rc() { REDISCLI_AUTH="$pw" '/app/soft/my redis/bin/redis-cli' -h 127.0.0.1 -p 6379 "$@"; }`);
    expect(cmd).toContain(`mkdir -p -m 700 '/var/lib/opsgate/it'\\''s'`);
    expect(cmd).not.toMatch(/ -a /);
  });

  it('loads a dump into a scratch redis-server on a private socket, never writing, killed on exit', () => {
    const cmd = scratchDigestCommand({
      server: '/app/soft/redis-5.0.5/bin/redis-server',
      cli: '/app/soft/redis-5.0.5/bin/redis-cli',
      dump: '/app/redis_data/dump.rdb',
      workDir: '/var/lib/opsgate/business-redis',
      out: '/var/lib/opsgate/business-redis/final-dump-digest',
    });
    expect(cmd).toContain(
      `"$t/opsgate-scratch-redis" --port 0 --unixsocket "$t/redis.sock" --unixsocketperm 700 --dir "$t" --dbfilename dump.rdb --save '' --appendonly no`,
    );
    expect(cmd).toContain(`ln -s -- "$dump" "$t/dump.rdb"`);
    expect(cmd).toContain(
      `trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$t"' EXIT`,
    );
    expect(cmd).toContain(`rc() { /app/soft/redis-5.0.5/bin/redis-cli -s "$t/redis.sock" "$@"; }`);
  });

  it.each([
    ['the same data', 'keys=5 volatile=2 digest=abc', 'keys=5 volatile=2 digest=abc', 0],
    ['keys with a TTL expired since', 'keys=5 volatile=2 digest=abc', 'keys=5 volatile=0 digest=abc', 0],
    ['another digest', 'keys=5 volatile=2 digest=abc', 'keys=5 volatile=2 digest=abd', 1],
    ['more keys with a TTL', 'keys=5 volatile=2 digest=abc', 'keys=5 volatile=3 digest=abc', 1],
    ['no final digest', '', 'keys=0 volatile=0 digest=', 1],
  ])('compares two digests: %s', (_what, final, now, code) => {
    writeFileSync(join(dir, 'final'), final ? `${final}\n` : '');
    writeFileSync(join(dir, 'now'), `${now}\n`);
    const r = spawnSync('sh', ['-c', compareDigestsCommand(join(dir, 'final'), join(dir, 'now'))], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(code);
    expect(r.stdout.includes('data-equal')).toBe(code === 0);
    expect(r.stdout).toContain(`now: ${now}`);
  });
});

describe('the streamed data digest against a real redis-server', () => {
  /** A private redis-server on a unix socket in `dir`, loaded with `commands` (redis-cli lines); its digest. */
  function realDigest(name: string, commands: readonly string[]): { code: number; out: string; err: string } {
    const sock = join(dir, `${name}.sock`);
    const server = spawnSync(
      'redis-server',
      ['--port', '0', '--unixsocket', sock, '--save', '', '--appendonly', 'no', '--daemonize', 'yes'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (server.status !== 0) throw new Error(`redis-server did not start: ${server.stderr}`);
    try {
      for (let i = 0; i < 50 && spawnSync('redis-cli', ['-s', sock, 'PING']).stdout?.toString().trim() !== 'PONG'; i++)
        spawnSync('sleep', ['0.1']);
      const load = spawnSync('redis-cli', ['-s', sock], { input: `${commands.join('\n')}\n`, encoding: 'utf8' });
      if (load.status !== 0) throw new Error(`loading ${name}: ${load.stderr}`);
      spawnSync('mkdir', ['-p', join(dir, `w-${name}`)]);
      const r = spawnSync(
        'sh',
        ['-c', `${DIGEST_FUNCTION}\nrc() { redis-cli -s '${sock}' "$@"; }\nog_digest '${join(dir, `w-${name}`)}'`],
        { encoding: 'utf8' },
      );
      return { code: r.status ?? -1, out: r.stdout.trim(), err: r.stderr };
    } finally {
      spawnSync('redis-cli', ['-s', sock, 'SHUTDOWN', 'NOSAVE']);
    }
  }

  const data = [
    'SET plain "v a l"',
    'HSET h f1 1 f2 2',
    'SADD s m1 m2 m3',
    'ZADD z 0.1 a 2 b',
    'RPUSH l x y x',
    'SELECT 3',
    'SET other 1',
    'SET ttl 1 EX 100',
  ];

  it('gives the same digest for the same data written in another order, and another for changed data', () => {
    const a = realDigest('a', data);
    const b = realDigest(
      'b',
      [...data]
        .reverse()
        .filter((c) => c !== 'SELECT 3')
        .concat(['SELECT 0']),
    );
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(new RegExp(DIGEST_PATTERN));
    expect(a.out).toMatch(/^keys=6 volatile=1 /);
    // `b` wrote db 3's keys into db 0: the same keys, in another database, are other data.
    expect(b.out).not.toBe(a.out);
    const c = realDigest('c', [
      'SELECT 3',
      'SET ttl 1 EX 100',
      'SET other 1',
      'SELECT 0',
      ...data.slice(0, 5).reverse(),
    ]);
    expect(c.out).toBe(a.out);
    const d = realDigest('d', [...data.slice(0, 4), 'RPUSH l y x x', ...data.slice(5)]);
    expect(d.out).not.toBe(a.out);
  });
});
