/**
 * Slack's side for bench/slack/run.ts: the fake Web API in its own process, so that answering `respond()`
 * and Web API calls is not counted against the app. Prints one JSON line `{ apiUrl, responseBase }` when
 * ready; on SIGTERM prints `{ responses }` (how many responses arrived) to stderr and exits.
 */
import { FakeSlackWebApi } from '../../test/support/slack/fake-web-api.ts';

const fake = await FakeSlackWebApi.start();
console.log(JSON.stringify({ apiUrl: fake.apiUrl, responseBase: fake.responseUrl('') }));
process.on('SIGTERM', () => {
  console.error(JSON.stringify({ responses: fake.responses.length }));
  void fake.close().then(() => process.exit(0));
});
