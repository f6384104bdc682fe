import { describe, expect, it } from 'vitest';
import { formatConfigProblems, parseConfig, redisConfigOf } from '../../../src/wiring/config.ts';
import { describeRedis, redisOptionsOf } from '../../../src/adapters/redis/redis-options-of.ts';

describe('parseConfig', () => {
  it('lists every problem at once, each naming its variable, never a value', () => {
    const r = parseConfig({
      LOG_LEVEL: 'loud',
      PORT: '99999',
      REDIS_URL: 'http://user:hunter22@redis:6379',
      METRICS_PORT: 'abc',
      LOG_FORMAT: 'xml',
      SLACK_BOT_TOKEN: 'xoxb-1',
      REDIS_SENTINELS: 'a:1,b',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const vars = r.error.map((p) => p.variable);
    expect(vars).toEqual(
      expect.arrayContaining([
        'LOG_LEVEL',
        'PORT',
        'REDIS_URL',
        'METRICS_PORT',
        'LOG_FORMAT',
        'SLACK_SIGNING_SECRET',
        'REDIS_SENTINELS',
        'REDIS_SENTINEL_NAME',
      ]),
    );
    const text = formatConfigProblems(r.error);
    expect(text).toMatch(/^bad configuration \(\d+ problems\):/);
    expect(text).not.toContain('hunter22');
  });

  it('accepts an empty environment with the documented defaults', () => {
    const r = parseConfig({});
    expect(r.ok && r.value).toMatchObject({
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORT: 3000,
      OPSGATE_HEARTBEAT_MS: 5000,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(r.ok && r.value.METRICS_PORT).toBeUndefined();
  });
});

describe('redisOptionsOf', () => {
  it('takes user, password, db and TLS from a rediss:// URL', () => {
    const r = parseConfig({ REDIS_URL: 'rediss://opsgate:s3cr%40t@redis.example:6380/2' });
    if (!r.ok) throw new Error('config');
    expect(redisOptionsOf(redisConfigOf(r.value))).toEqual({
      host: 'redis.example',
      port: 6380,
      username: 'opsgate',
      password: 's3cr@t',
      db: 2,
      tls: {},
    });
    expect(describeRedis(redisConfigOf(r.value))).toBe('Redis at rediss://redis.example:6380');
  });

  it('finds the master through the sentinels, with the master password from REDIS_URL', () => {
    const r = parseConfig({
      REDIS_URL: 'redis://:pw@ignored:6379',
      REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380',
      REDIS_SENTINEL_NAME: 'opsgate',
      REDIS_SENTINEL_PASSWORD: 'spw',
    });
    if (!r.ok) throw new Error(formatConfigProblems(r.error));
    expect(redisOptionsOf(redisConfigOf(r.value))).toEqual({
      password: 'pw',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
      ],
      name: 'opsgate',
      failoverDetector: true,
      sentinelPassword: 'spw',
    });
    expect(describeRedis(redisConfigOf(r.value))).toBe(
      'Redis master opsgate via sentinels 10.0.0.1:26379,sentinel-2:26380',
    );
  });
});

describe('REDIS_TLS_CA_FILE', () => {
  it('gives the CA it names to the master and, through Sentinel, to the sentinels too', () => {
    const r = parseConfig({
      REDIS_URL: 'rediss://:pw@ignored:6380',
      REDIS_TLS_CA_FILE: '/etc/opsgate/ca.pem',
      REDIS_SENTINELS: 's1:26379',
      REDIS_SENTINEL_NAME: 'opsgate',
    });
    if (!r.ok) throw new Error(formatConfigProblems(r.error));
    const files: string[] = [];
    const o = redisOptionsOf(redisConfigOf(r.value), (f) => (files.push(f), 'PEM'));
    expect(files).toEqual(['/etc/opsgate/ca.pem']);
    expect(o).toMatchObject({ tls: { ca: 'PEM' }, enableTLSForSentinelMode: true, sentinelTLS: { ca: 'PEM' } });
  });

  it('is refused with a plain redis:// URL, naming the variable', () => {
    const r = parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_CA_FILE: '/etc/opsgate/ca.pem' });
    expect(!r.ok && r.error.map((p) => p.variable)).toEqual(['REDIS_TLS_CA_FILE']);
  });

  it('that cannot be read gives REDIS_TLS_CA_UNREADABLE naming the file', () => {
    const r = parseConfig({ REDIS_URL: 'rediss://127.0.0.1:6380', REDIS_TLS_CA_FILE: '/nonexistent/opsgate-ca.pem' });
    if (!r.ok) throw new Error(formatConfigProblems(r.error));
    expect(() => redisOptionsOf(redisConfigOf(r.value))).toThrow(
      expect.objectContaining({
        code: 'REDIS_TLS_CA_UNREADABLE',
        message: expect.stringContaining('/nonexistent/opsgate-ca.pem'),
      }),
    );
  });
});
