import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import { renderNotice } from '../../../src/adapters/slack/render-notice.ts';
import { SlackApiError } from '../../../src/adapters/slack/slack-errors.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

let fake: FakeSlackWebApi;
let slept: number[];
let poster: SlackPoster;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  slept = [];
  // Record the waits the poster asks for and let the event loop turn instead of sleeping them.
  const sleep = (ms: number) => {
    slept.push(ms);
    return new Promise<void>((r) => setImmediate(r));
  };
  poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), sleep, minPostIntervalMs: 0 });
});
afterEach(async () => fake.close());

const msg = (t: string) => renderNotice('info', t);
const texts = (channel: string) =>
  fake
    .ok('chat.postMessage')
    .filter((c) => c.params.channel === channel)
    .map((c) => c.params.text);

describe('SlackPoster', () => {
  it('delivers every message exactly once and in order per channel while Slack answers 429', async () => {
    fake.rateLimit('chat.postMessage', 7, 3);
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      sent.push(poster.post('CA', msg(`a${i}`)));
      sent.push(poster.post('CB', msg(`b${i}`)));
    }
    await Promise.all(sent);
    expect(texts('CA')).toEqual(Array.from({ length: 25 }, (_, i) => `a${i}`));
    expect(texts('CB')).toEqual(Array.from({ length: 25 }, (_, i) => `b${i}`));
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(7);
    // Each 429 was waited out for exactly its Retry-After.
    expect(slept).toEqual(Array(7).fill(3000));
  });

  it('threads replies under the parent and keeps them after it', async () => {
    const parent = await poster.post('CA', msg('parent'));
    fake.rateLimit('chat.postMessage', 2, 1);
    await Promise.all([1, 2, 3].map((i) => poster.post('CA', msg(`reply ${i}`), parent.ts)));
    const replies = fake
      .ok('chat.postMessage')
      .filter((c) => c.params.thread_ts === parent.ts)
      .map((c) => c.params.text);
    expect(replies).toEqual(['reply 1', 'reply 2', 'reply 3']);
  });

  it('coalesces pending edits of one message so the last state wins', async () => {
    const parent = await poster.post('CA', msg('v0'));
    fake.rateLimit('chat.update', 1, 1);
    const edits = [1, 2, 3, 4, 5].map((i) => poster.update('CA', parent.ts, msg(`v${i}`)));
    await Promise.all(edits);
    const updates = fake.ok('chat.update').map((c) => c.params.text);
    expect(updates.at(-1)).toBe('v5');
    expect(updates.length).toBeLessThan(5);
    expect(fake.messages.get(`CA:${parent.ts}`)?.text).toBe('v5');
    // Text and blocks always travel together (Slack drops the blocks of an update without them).
    expect(fake.ok('chat.update').every((c) => Array.isArray(c.params.blocks))).toBe(true);
  });

  it('uploads long output as a file into the thread through the three-step upload', async () => {
    const parent = await poster.post('CA', msg('parent'));
    await poster.upload('CA', parent.ts, {
      filename: 'step-3-redis-a.log',
      content: 'line\n'.repeat(10_000),
      title: 'redis-a output',
    });
    expect(fake.calls.map((c) => c.method).slice(-3)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.uploads[0]?.bytes).toBeGreaterThanOrEqual(50_000);
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'CA',
      thread_ts: parent.ts,
    });
  });

  it('fails one refused message with a coded error and keeps delivering the next ones', async () => {
    fake.failNext('chat.postMessage', 'not_in_channel');
    const first = poster.post('CA', msg('refused'));
    const second = poster.post('CA', msg('delivered'));
    await expect(first).rejects.toBeInstanceOf(SlackApiError);
    await expect(first).rejects.toThrow('invite the bot to the channel');
    await second;
    expect(texts('CA')).toEqual(['delivered']);
  });

  it('waits between posts in one channel to stay under one message per second', async () => {
    let t = 0;
    const paced = new SlackPoster({
      client: fromWebClient(webClientFor(fake)),
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    });
    await paced.post('CA', msg('one'));
    await paced.post('CA', msg('two'));
    await paced.post('CB', msg('other channel'));
    expect(slept).toEqual([1000]);
  });
});
