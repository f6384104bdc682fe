import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { postSigned, slashCommandBody } from '../../support/slack/sign-request.ts';
import { startTestSlackApp, type TestSlackApp } from '../../support/slack/test-slack-app.ts';

const SECRET = 'echo-secret';
let fake: FakeSlackWebApi;
let engine: FakeChatEngine;
let bot: TestSlackApp;
let seq = 0;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  engine = new FakeChatEngine();
  bot = await startTestSlackApp({ secret: SECRET, fake, engine });
});
afterEach(async () => {
  await bot.stop();
  await fake.close();
});

/** Sends a signed slash command and gives the private answer posted to its response_url, as Slack receives it. */
async function answerTo(command: string, text: string, channel = 'CXIZANG'): Promise<Record<string, unknown>> {
  const id = `e${++seq}`;
  const body = slashCommandBody({
    command,
    text,
    user_id: 'UOPERATOR',
    channel_id: channel,
    response_url: fake.responseUrl(id),
    trigger_id: `trig-${id}`,
  });
  expect((await postSigned(bot.url, body, { secret: SECRET })).status).toBe(200);
  await fake.waitFor(() => fake.responses.some((r) => r.id === id));
  return fake.responses.find((r) => r.id === id)?.body ?? {};
}

describe('text a person typed, quoted back in a refusal', () => {
  it.each([
    ['/upgrade', '<!here>', 'Unknown site "&lt;!here&gt;"'],
    ['/upgrade', '<!channel> redis', 'Unknown site "&lt;!channel&gt;"'],
    ['/upgrade', 'xizang <@U123>', 'Unknown phase "&lt;@U123&gt;"'],
    ['/precheck', '<#C1>', 'Unknown site "&lt;#C1&gt;"'],
    ['/precheck', 'xizang ob <!subteam^S1>', 'Unknown OceanBase cluster "&lt;!subteam^S1&gt;"'],
    ['/rollback', '<@UAPPROVER1>', '"&lt;@UAPPROVER1&gt;" is not a run id'],
    ['/upgrade', 'xizang redis --to=<https://evil.example|x>&', 'option "--to=&lt;https://evil.example|x&gt;&amp;"'],
  ])('%s %s is answered with the text inert (&, <, > escaped)', async (command, text, shown) => {
    const answer = await answerTo(command, text);
    expect(answer.text).toContain(shown);
    const all = JSON.stringify(answer);
    expect(all).toContain(shown.replace(/"/g, '\\"'));
    expect(all).not.toMatch(/<[!@#]/);
    expect(engine.calls).toEqual([]);
  });

  it("keeps a site's channel live only where opsgate wrote it, not where it was typed", async () => {
    const typed = await answerTo('/precheck', '<#CXIZANG>', 'CLHASA');
    expect(typed.text).toBe('Unknown site "&lt;#CXIZANG&gt;". Valid sites: lhasa, xizang.');
    const written = await answerTo('/precheck', 'xizang', 'CLHASA');
    expect(written.text).toBe('Commands for site xizang are only accepted in its channel <#CXIZANG>.');
  });
});
