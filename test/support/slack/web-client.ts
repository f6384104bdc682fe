import { WebClient, LogLevel } from '@slack/web-api';
import type { FakeSlackWebApi } from './fake-web-api.ts';

/** A real WebClient pointed at the fake, failing fast: no retries, and 429s thrown to the caller (the poster). */
export function webClientFor(fake: FakeSlackWebApi): WebClient {
  return new WebClient('xoxb-test-token', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
}
