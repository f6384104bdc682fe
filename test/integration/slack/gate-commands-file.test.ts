import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

/**
 * A gate whose commands do not fit a Slack message: the approver must still be able to read every command they
 * approve, so the message says so and the whole list goes into the thread as a file, through the real WebClient's
 * files.uploadV2 into the fake Web API.
 */
let fake: FakeSlackWebApi;
let poster: SlackPoster;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
});
afterEach(async () => {
  await poster.idle();
  await fake.close();
});

const base = { site: 'xizang', runId: 'run_000000000000gate' };

function gateEvents(commands: readonly string[]): EngineEvent[] {
  const gate: Gate = {
    id: 'gate_long',
    site: base.site,
    runId: base.runId,
    stepId: 'r03-stop',
    kind: 'approval',
    planHash: 'abcdef0123456789abcdef',
    requester: 'UOPERATOR',
    choices: ['approve', 'reject'],
    policy: {
      approvers: [],
      approverGroups: ['SAPP'],
      approvalsNeeded: 1,
      requesterMayApprove: false,
      expiresAfterMs: 1,
    },
    openedAt: 3,
    expiresAt: 3_600_000,
    status: 'pending',
    approvals: [],
  };
  return [
    {
      ...base,
      at: 1,
      type: 'run.requested',
      requester: 'UOPERATOR',
      runbook: 'upgrade-redis',
      args: {},
      dryRun: false,
    },
    {
      ...base,
      at: 2,
      type: 'run.planned',
      title: 'Upgrade the business Redis',
      planHash: gate.planHash,
      dryRun: false,
      rendered: '',
      steps: [{ id: 'r03-stop', title: 'Stop redis', kind: 'action', destructive: true, hash: 'a1' }],
    },
    {
      ...base,
      at: 3,
      type: 'gate.opened',
      gate,
      context: {
        stepTitle: 'Stop redis',
        targets: [
          { host: 'redis-b', commands },
          { host: 'redis-a', commands },
        ],
      },
    },
  ];
}

async function publish(commands: readonly string[]): Promise<string> {
  const pub = new RunThreadPublisher({
    poster,
    now: () => 10,
    channelOf: () => 'CXIZANG',
    log: { warn: () => undefined, error: () => undefined },
    parentEditDelayMs: 0,
  });
  for (const e of gateEvents(commands)) await pub.handle(e);
  await poster.idle();
  return JSON.stringify(fake.ok('chat.postMessage').map((c) => c.params.blocks));
}

describe('a gate whose commands do not fit its message', () => {
  it('says so in the gate and puts every command, whole, in a file under it', async () => {
    const long = `systemctl stop redis && ${Array.from({ length: 300 }, (_, i) => `test -e /app/data/part-${i}`).join(' && ')}`;
    const blocks = await publish([long, 'systemctl stop keepalived']);
    expect(blocks).toContain('every command is in the file gate-r03-stop-commands.txt under it');
    expect(fake.ok('files.getUploadURLExternal').map((c) => c.params.filename)).toEqual(['gate-r03-stop-commands.txt']);
    const file = fake.uploads[0]?.content ?? '';
    expect(file).toContain('# redis-b, redis-a (2 host(s))');
    expect(file).toContain(`${long}\nsystemctl stop keepalived\n`);
    expect(file).toContain('plan abcdef0123456789abcdef');
  });

  it('uploads nothing when the message shows every command', async () => {
    const blocks = await publish(['systemctl stop redis']);
    expect(blocks).toContain('systemctl stop redis');
    expect(blocks).not.toContain('gate-r03-stop-commands.txt');
    expect(fake.ok('files.getUploadURLExternal')).toEqual([]);
  });
});
