import { describe, expect, it } from 'vitest';
import { opsgate } from '../cli/opsgate-process.ts';

const BAD = {
  LOG_LEVEL: 'loud',
  LOG_FORMAT: 'xml',
  PORT: '70000',
  METRICS_PORT: 'nine',
  REDIS_URL: 'http://:hunter22@redis.example:6379',
  REDIS_SENTINELS: 'sentinel-1:26379',
  SLACK_BOT_TOKEN: 'xoxb-only-the-token',
  SLACK_SIGNING_SECRET: undefined,
};

describe('a bad configuration', () => {
  for (const command of [['worker'], ['start']]) {
    it(`is refused by opsgate ${command.join(' ')} with exit 2 and every problem listed, naming each variable, showing no secret`, async () => {
      const r = await opsgate(command, BAD);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/bad configuration \(7 problems\):/);
      for (const v of [
        'LOG_LEVEL',
        'LOG_FORMAT',
        'PORT',
        'METRICS_PORT',
        'REDIS_URL',
        'REDIS_SENTINEL_NAME',
        'SLACK_SIGNING_SECRET',
      ])
        expect(r.stderr).toMatch(new RegExp(`^  ${v}: `, 'm'));
      expect(r.stderr).not.toContain('hunter22');
      expect(r.stderr).not.toContain('xoxb-only-the-token');
    });
  }
});
