import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisEventStream } from '../../../src/adapters/redis/redis-event-stream.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, OutputWatcher, spawnOpsgate } from './opsgate-process.ts';

/**
 * A Slack Web API that answers until told to fall silent: from then on it accepts every request and never
 * answers it; `goAway` then drops every connection and refuses new ones (as a Slack API that went away).
 */
class FadingSlackApi {
  readonly calls: string[] = [];
  silent = false;
  private readonly held: ServerResponse[] = [];

  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  static async start(): Promise<FadingSlackApi> {
    const api = new FadingSlackApi();
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  /** Resolves once a call of `method` arrived (answered or not). */
  async waitFor(method: string, timeoutMs = 20_000): Promise<void> {
    for (const end = Date.now() + timeoutMs; !this.calls.includes(method);) {
      if (Date.now() > end) throw new Error(`no ${method} call; calls: ${this.calls.join(' ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  goAway(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').replace(/\?.*$/, '');
      this.calls.push(method);
      if (this.silent) {
        this.held.push(res);
        return;
      }
      const answer =
        method === 'auth.test'
          ? { ok: true, url: 'https://opsgate-test.slack.com/', user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }
          : method === 'chat.postMessage'
            ? { ok: true, channel: 'C1', ts: `${Date.now() / 1000}` }
            : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  }
}

const GRACE_MS = 2000;

describe('the bot on SIGTERM while the Slack API does not answer', () => {
  let keys: RedisTestKeys;
  let api: FadingSlackApi;
  let redis: Redis;

  beforeEach(async () => {
    keys = new RedisTestKeys();
    redis = keys.connect();
    api = await FadingSlackApi.start();
  });
  afterEach(async () => {
    api.goAway();
    await keys.close();
  });

  it.each([
    ['accepts the post and never answers', false],
    ['accepts the post, then goes away', true],
  ])(
    'exits 0 within OPSGATE_SHUTDOWN_GRACE_MS + 5 s when the Slack API %s',
    async (_what, goesAway) => {
      const bot = spawnOpsgate(['start', '--no-worker', '--sites', labSitesDir()], {
        REDIS_URL: TEST_REDIS_URL,
        OPSGATE_REDIS_PREFIX: keys.prefix,
        SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
        SLACK_SIGNING_SECRET: 'shutdown-test-secret',
        SLACK_API_URL: api.apiUrl,
        PORT: '0',
        OPSGATE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        LOG_LEVEL: 'info',
      });
      const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
      const log = new OutputWatcher(bot.stderr);
      try {
        await log.waitFor(/"msg":"slack app started"/);
        // The bot is posting an engine event into the site's channel when Slack stops answering.
        api.silent = true;
        const event = { site: 'xizang', runId: 'run_00000000000000ff', at: Date.now(), type: 'run.refused' as const };
        await new RedisEventStream(redis, keys.prefix).emit({ ...event, requester: 'UOPERATOR', reason: 'busy' });
        await api.waitFor('chat.postMessage');
        if (goesAway) api.goAway();
        const signalled = Date.now();
        bot.kill('SIGTERM');
        const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('alive'), 30_000))]);
        const tookMs = Date.now() - signalled;
        process.stderr.write(`bot: exited ${tookMs} ms after SIGTERM (grace ${GRACE_MS} ms)\n`);
        expect(code, log.text.slice(-2000)).toBe(0);
        expect(tookMs).toBeLessThan(GRACE_MS + 5000);
        expect(log.text).toMatch(/"msg":"shutting down"/);
        expect(log.text).toMatch(/slack did not answer within the grace/);
      } finally {
        if (bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
      }
    },
    60_000,
  );
});
