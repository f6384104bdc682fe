import { describe, expect, it } from 'vitest';
import { loadSite } from '../../../../src/adapters/files/load-site.ts';
import { utf8Length } from '../../../../src/core/sites/field-limits.ts';
import { edit, lineWith, memoryDeps, SITE_FILE, SITE_YAML } from './site-fixture.ts';

/** The problems of a site file as `LINE PATH: message`; none when it loads. */
async function located(text: string): Promise<string[]> {
  const r = await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: text, '/sites/secrets/kh': 'x\n' }));
  return r.ok ? [] : r.error.map((p) => `${p.line} ${p.path}: ${p.message}`);
}

const HOME = 'home: /app/soft/redis-5.0.5';
/** An absolute path of exactly `bytes` bytes, in components of at most 255. */
const pathOf = (bytes: number) =>
  `/${Array.from({ length: bytes }, (_, i) => ((i + 1) % 256 === 0 ? '/' : 'a'))
    .join('')
    .slice(0, bytes - 1)}`;

describe('length limits of site file values', () => {
  it('refuses a 200,000-character home at its line, with its length and one message, never the value', async () => {
    const text = edit(SITE_YAML, HOME, `home: /${'a'.repeat(199_999)}`);
    const problems = await located(text);
    expect(problems).toEqual([
      `${lineWith(text, 'home: /aaa')} middleware.redis[0].home: too long: 200000 bytes, a path has at most 4095 (PATH_MAX, 4096 with the terminating NUL)`,
    ]);
  });

  it('takes a path of 4,095 bytes and refuses one of 4,096 (PATH_MAX counts the NUL)', async () => {
    expect(pathOf(4095)).toHaveLength(4095);
    expect(await located(edit(SITE_YAML, HOME, `home: ${pathOf(4095)}`))).toEqual([]);
    const text = edit(SITE_YAML, HOME, `home: ${pathOf(4096)}`);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'home: /aaa')} middleware.redis[0].home: too long: 4096 bytes, a path has at most 4095 (PATH_MAX, 4096 with the terminating NUL)`,
    ]);
  });

  it('counts a path component in UTF-8 bytes: 128 "é" are 256 bytes, past NAME_MAX', async () => {
    expect(await located(edit(SITE_YAML, HOME, `home: /app/${'é'.repeat(127)}x`))).toEqual([]);
    const text = edit(SITE_YAML, HOME, `home: /app/${'é'.repeat(128)}`);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'home: /app/é')} middleware.redis[0].home: too long: path component 2 has 256 bytes, a file or directory name has at most 255 (NAME_MAX)`,
    ]);
  });

  it('refuses host names past RFC 1123 (253 characters, labels of 63) and a link-local zone past an interface name', async () => {
    const label = (n: number) => 'a'.repeat(n);
    const name253 = [label(63), label(63), label(63), label(61)].join('.');
    expect(name253).toHaveLength(253);
    const at = 'address: redis-b.example.com';
    expect(await located(edit(SITE_YAML, at, `address: ${name253}`))).toEqual([]);
    const line = lineWith(SITE_YAML, at);
    expect(await located(edit(SITE_YAML, at, `address: ${name253}a`))).toEqual([
      `${line} hosts[3].address: too long: 254 characters, an address has at most 253 (a host name, RFC 1123)`,
    ]);
    expect(await located(edit(SITE_YAML, at, `address: ${label(64)}.example.com`))).toEqual([
      `${line} hosts[3].address: not an IP address or host name`,
    ]);
    expect(await located(edit(SITE_YAML, at, `address: "fe80::1%${'e'.repeat(16)}"`))).toEqual([
      `${line} hosts[3].address: too long: the zone after % is an interface name, at most 15 characters`,
    ]);
  });

  it('refuses a login name past 32 characters, a service name past 247, a Slack ID past 32', async () => {
    expect(await located(edit(SITE_YAML, 'user: root', `user: ${'u'.repeat(32)}`))).toEqual([]);
    expect(await located(edit(SITE_YAML, 'user: root', `user: ${'u'.repeat(33)}`))).toEqual([
      `${lineWith(SITE_YAML, 'user: root')} ssh.user: too long: 33 characters, a login name has at most 32 (useradd)`,
    ]);
    const service = edit(
      SITE_YAML,
      '      config: /etc/redis/redis.conf',
      `      config: /etc/redis/redis.conf\n      service: ${'s'.repeat(248)}`,
    );
    expect(await located(service)).toEqual([
      `${lineWith(service, 'service: sss')} middleware.redis[0].service: too long: 248 characters, a service name has at most 247 (systemd's 255 with ".service")`,
    ]);
    expect(await located(edit(SITE_YAML, 'channel: CTEST01', `channel: C${'1'.repeat(32)}`))).toEqual([
      `${lineWith(SITE_YAML, 'channel: CTEST01')} slack.channel: too long: 33 characters, a Slack ID has at most 32`,
    ]);
  });

  it('counts an ADM instance name in UTF-8 bytes (200), as it stays a file name', async () => {
    const ok = edit(SITE_YAML, 'admInstance: ACME-Redis-A', `admInstance: ACME-${'中'.repeat(64)}-A`);
    expect(await located(ok)).toEqual([]);
    const text = edit(SITE_YAML, 'admInstance: ACME-Redis-A', `admInstance: ACME-${'中'.repeat(66)}-A`);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'admInstance:')} middleware.redis[0].admInstance: too long: 205 bytes, an ADM instance name has at most 200 (UTF-8)`,
    ]);
  });

  it('refuses a secret file reference past PATH_MAX without naming the value', async () => {
    const text = edit(SITE_YAML, '{ file: secrets/known_hosts }', `{ file: ${pathOf(5000).slice(1)} }`);
    const problems = await located(text);
    expect(problems).toEqual([
      `${lineWith(text, 'knownHosts:')} ssh.knownHosts.file: too long: 4999 bytes, a path has at most 4095 (PATH_MAX, 4096 with the terminating NUL)`,
    ]);
  });

  it('shows an overlong unknown key by its start and its length', async () => {
    const key = 'k'.repeat(100_000);
    const text = edit(SITE_YAML, '    address: 10.0.0.21', `    address: 10.0.0.21\n    ? ${key}\n    : 1`);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'kkkk')} hosts[2]["${'k'.repeat(32)}…" (100000 characters)]: unknown key`,
    ]);
  });
});

describe('utf8Length', () => {
  it('counts what Buffer.byteLength counts', () => {
    for (const s of ['', 'abc', 'é', '中文', '😀', 'a😀é中', '\ud800', 'x\udc00y'])
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});
