/**
 * The process under test for bench/slack/run.ts: the Slack app (Bolt's HTTP receiver on a random port) with
 * an in-memory engine, its Web API client pointed at the fake. Prints one JSON line `{ url, cpuMs }` when ready
 * (`cpuMs`: CPU used by start-up); on SIGTERM stops (the work queued after acks runs first) and prints
 * `{ appCpuMs }` (all CPU used) to stderr.
 */
import { createSlackApp } from '../../src/adapters/slack/create-slack-app.ts';
import { FakeChatEngine } from '../../test/support/slack/fake-chat-engine.ts';
import { chatSite } from '../../test/support/chat-site.ts';

const [secret = '', apiUrl = ''] = process.argv.slice(2);
if (secret === '' || apiUrl === '') throw new Error('usage: app-server.ts <signing secret> <fake api url>');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const app = createSlackApp({
  signingSecret: secret,
  token: 'xoxb-bench',
  socketMode: false,
  slackApiUrl: apiUrl,
  port: 0,
  botId: 'BBOT',
  botUserId: 'UBOT',
  deps: { engine: new FakeChatEngine(), sites: [chatSite('xizang', 'CXIZANG')] },
  log: quiet,
  minPostIntervalMs: 0,
});
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const { port } = await app.start();
console.log(JSON.stringify({ url: `http://127.0.0.1:${port}/slack/events`, cpuMs: cpuMs() }));
process.on('SIGTERM', () => {
  void app.stop().then(() => {
    console.error(JSON.stringify({ appCpuMs: cpuMs() }));
    process.exit(0);
  });
});
