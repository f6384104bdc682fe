/**
 * Slack's side for bench/slack/run.ts: the fake Web API in its own process, so that answering `respond()`
 * and Web API calls is not counted against the app. Prints one JSON line `{ apiUrl, responseBase }` when
 * ready, and `{ allRespondedAt }` once the expected number of responses (its argument) has arrived; on SIGTERM
 * prints `{ responses }` (how many responses arrived) to stderr and exits.
 */
import { FakeSlackWebApi } from '../../test/support/slack/fake-web-api.ts';

const expected = Number(process.argv[2] ?? NaN);
const fake = await FakeSlackWebApi.start();
console.log(JSON.stringify({ apiUrl: fake.apiUrl, responseBase: fake.responseUrl('') }));
// The moment the last expected response arrives (epoch ms), for the load generator to see how long the work
// after the acks took to finish.
if (Number.isInteger(expected) && expected > 0) {
  void fake
    .waitFor(() => fake.responses.length >= expected, 600_000)
    .then(
      () => console.log(JSON.stringify({ allRespondedAt: Date.now() })),
      () => undefined,
    );
}
process.on('SIGTERM', () => {
  console.error(JSON.stringify({ responses: fake.responses.length }));
  void fake.close().then(() => process.exit(0));
});
