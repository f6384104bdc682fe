import { WebClient, LogLevel } from '@slack/web-api';
import { afterEach, beforeEach } from 'vitest';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import { FakeSlackWebApi } from './fake-web-api.ts';

/** A real WebClient pointed at the fake, failing fast: no retries, and 429s thrown to the caller (the poster). */
export function webClientFor(fake: FakeSlackWebApi): WebClient {
  return new WebClient('xoxb-test-token', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}

/** The fake Web API and a poster over a real WebClient pointed at it, fresh for each test (`useFakeSlack`). */
export interface FakeSlack {
  fake: FakeSlackWebApi;
  poster: SlackPoster;
  /** A run-thread publisher on the poster (site channel CXIZANG, clock at 10, no edit delay) fed every event. */
  publishAll(events: readonly EngineEvent[]): Promise<RunThreadPublisher>;
}

/**
 * Starts the fake Web API and a poster on it before each test of the calling file, and waits for the poster and
 * closes the fake after each: read `fake` and `poster` from the returned object inside a test.
 */
export function useFakeSlack(): FakeSlack {
  const s = {
    async publishAll(events: readonly EngineEvent[]): Promise<RunThreadPublisher> {
      const pub = new RunThreadPublisher({
        poster: s.poster,
        now: () => 10,
        channelOf: () => 'CXIZANG',
        log: { warn: () => undefined, error: () => undefined },
        parentEditDelayMs: 0,
      });
      for (const e of events) await pub.handle(e);
      await s.poster.idle();
      return pub;
    },
  } as FakeSlack;
  beforeEach(async () => {
    s.fake = await FakeSlackWebApi.start();
    s.poster = new SlackPoster({ client: fromWebClient(webClientFor(s.fake)), minPostIntervalMs: 0 });
  });
  afterEach(async () => {
    await s.poster.idle();
    await s.fake.close();
  });
  return s;
}
